// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {Test} from "./utils/Test.sol";
import {HostStake} from "../src/HostStake.sol";
import {Roles} from "../src/base/Roles.sol";
import {Asset} from "../src/lib/Asset.sol";
import {TestStablecoin} from "../src/devnet/TestStablecoin.sol";

contract HostStakeTest is Test {
    uint256 constant DELAY = 7 days;
    uint256 constant T0 = 1_700_000_000;

    HostStake hs;
    address owner = makeAddr("owner");
    address operator = makeAddr("operator");
    address treasury = makeAddr("treasury");
    address host = makeAddr("host");
    address stranger = makeAddr("stranger");
    bytes32 constant REASON = keccak256("incident-42");

    function setUp() public {
        vm.warp(T0);
        hs = new HostStake(address(0), owner, operator, treasury, DELAY);
        vm.deal(host, 100 ether);
    }

    function _stake(uint256 amount) internal {
        vm.prank(host);
        hs.stake{value: amount}(amount);
    }

    function test_constructor_refusesBadParameters() public {
        vm.expectRevert(abi.encodeWithSelector(HostStake.DelayTooLong.selector, 91 days, 90 days));
        new HostStake(address(0), owner, operator, treasury, 91 days);
        vm.expectRevert(Roles.ZeroAddress.selector);
        new HostStake(address(0), owner, operator, address(0), DELAY);
        vm.expectRevert(abi.encodeWithSelector(HostStake.NotAToken.selector, stranger));
        new HostStake(stranger, owner, operator, treasury, DELAY);
    }

    function test_stake_accumulatesAndEmits() public {
        vm.expectEmit(true, true, true, true, address(hs));
        emit HostStake.HostStaked(host, 1 ether, 1 ether);
        _stake(1 ether);
        vm.expectEmit(true, true, true, true, address(hs));
        emit HostStake.HostStaked(host, 2 ether, 3 ether);
        _stake(2 ether);
        (uint256 amount, uint40 unlockAt) = hs.stakeOf(host);
        vm.assertEq(amount, 3 ether, "stake");
        vm.assertEq(unlockAt, 0, "no unstake");
        vm.assertEq(address(hs).balance, 3 ether, "held");
    }

    function test_stake_refusesZeroAndMismatchedValue() public {
        vm.prank(host);
        vm.expectRevert(HostStake.ZeroAmount.selector);
        hs.stake(0);
        vm.prank(host);
        vm.expectRevert(abi.encodeWithSelector(Asset.ValueMismatch.selector, 1, 2));
        hs.stake{value: 1}(2);
    }

    function test_unstake_onlyAfterTheDelay() public {
        _stake(5 ether);
        vm.prank(host);
        vm.expectRevert(abi.encodeWithSelector(HostStake.NoUnstakeRequested.selector, host));
        hs.unstake();

        vm.expectEmit(true, true, true, true, address(hs));
        emit HostStake.UnstakeRequested(host, 5 ether, uint40(T0 + DELAY));
        vm.prank(host);
        hs.requestUnstake();

        vm.warp(T0 + DELAY - 1);
        vm.prank(host);
        vm.expectRevert(abi.encodeWithSelector(HostStake.UnstakeTooEarly.selector, host, uint40(T0 + DELAY)));
        hs.unstake();

        vm.warp(T0 + DELAY);
        uint256 before = host.balance;
        vm.prank(host);
        hs.unstake();
        vm.assertEq(host.balance - before, 5 ether, "paid out");
        (uint256 amount, uint40 unlockAt) = hs.stakeOf(host);
        vm.assertEq(amount, 0, "gone");
        vm.assertEq(unlockAt, 0, "reset");
    }

    function test_requestUnstake_needsAStakeAndOnlyOnce() public {
        vm.prank(host);
        vm.expectRevert(abi.encodeWithSelector(HostStake.NoStake.selector, host));
        hs.requestUnstake();
        _stake(1 ether);
        vm.prank(host);
        hs.requestUnstake();
        vm.prank(host);
        vm.expectRevert(abi.encodeWithSelector(HostStake.UnstakePending.selector, host, uint40(T0 + DELAY)));
        hs.requestUnstake();
        vm.prank(host);
        vm.expectRevert(abi.encodeWithSelector(HostStake.UnstakePending.selector, host, uint40(T0 + DELAY)));
        hs.stake{value: 1}(1);
    }

    function test_cancelUnstake_keepsTheStake() public {
        _stake(1 ether);
        vm.prank(host);
        vm.expectRevert(abi.encodeWithSelector(HostStake.NoUnstakeRequested.selector, host));
        hs.cancelUnstake();
        vm.startPrank(host);
        hs.requestUnstake();
        hs.cancelUnstake();
        hs.stake{value: 1 ether}(1 ether);
        vm.stopPrank();
        (uint256 amount, uint40 unlockAt) = hs.stakeOf(host);
        vm.assertEq(amount, 2 ether, "kept and added");
        vm.assertEq(unlockAt, 0, "cancelled");
    }

    function test_slash_byTheOperatorUpToTheStake_toTheTreasury() public {
        _stake(5 ether);
        vm.expectEmit(true, true, true, true, address(hs));
        emit HostStake.HostSlashed(host, 2 ether, REASON, 3 ether);
        vm.prank(operator);
        hs.slash(host, 2 ether, REASON);

        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(HostStake.SlashExceedsStake.selector, host, 3 ether + 1, 3 ether));
        hs.slash(host, 3 ether + 1, REASON);

        vm.assertEq(hs.slashedUnswept(), 2 ether, "unswept");
        vm.prank(stranger); // anyone may sweep: the destination is fixed
        hs.sweep();
        vm.assertEq(treasury.balance, 2 ether, "treasury");
        vm.assertEq(hs.slashedUnswept(), 0, "swept");
        vm.expectRevert(HostStake.NothingToSweep.selector);
        hs.sweep();
    }

    function test_slash_onlyTheOperator() public {
        _stake(5 ether);
        address[4] memory others = [owner, host, treasury, stranger];
        for (uint256 i; i < others.length; ++i) {
            vm.prank(others[i]);
            vm.expectRevert(Roles.NotOperator.selector);
            hs.slash(host, 1, REASON);
        }
        vm.prank(operator);
        vm.expectRevert(HostStake.ZeroAmount.selector);
        hs.slash(host, 0, REASON);
    }

    function test_slash_stillPossibleDuringTheUnstakeDelay() public {
        _stake(5 ether);
        vm.prank(host);
        hs.requestUnstake();
        vm.warp(T0 + DELAY - 1);
        vm.prank(operator);
        hs.slash(host, 5 ether, REASON);
        vm.warp(T0 + DELAY);
        uint256 before = host.balance;
        vm.prank(host);
        hs.unstake();
        vm.assertEq(host.balance, before, "nothing left to take");
    }

    function test_tokenStake() public {
        TestStablecoin usd = new TestStablecoin();
        HostStake ts = new HostStake(address(usd), owner, operator, treasury, DELAY);
        usd.mint(host, 1_000e6);
        vm.startPrank(host);
        usd.approve(address(ts), type(uint256).max);
        ts.stake(1_000e6);
        vm.stopPrank();
        vm.prank(operator);
        ts.slash(host, 100e6, REASON);
        ts.sweep();
        vm.startPrank(host);
        ts.requestUnstake();
        vm.warp(T0 + DELAY);
        ts.unstake();
        vm.stopPrank();
        vm.assertEq(usd.balanceOf(host), 900e6, "host");
        vm.assertEq(usd.balanceOf(treasury), 100e6, "treasury");
        vm.assertEq(usd.balanceOf(address(ts)), 0, "empty");
    }

    function testFuzz_slash_neverMoreThanTheStake(uint256 staked, uint256 amount) public {
        staked = bound(staked, 1, 100 ether);
        amount = bound(amount, 1, type(uint256).max);
        _stake(staked);
        vm.prank(operator);
        if (amount > staked) {
            vm.expectRevert(abi.encodeWithSelector(HostStake.SlashExceedsStake.selector, host, amount, staked));
            hs.slash(host, amount, REASON);
        } else {
            hs.slash(host, amount, REASON);
            (uint256 left,) = hs.stakeOf(host);
            vm.assertEq(left + hs.slashedUnswept(), staked, "stake + slashed == staked");
        }
    }

    function testFuzz_unstake_notBeforeTheDelay(uint256 at) public {
        _stake(1 ether);
        vm.prank(host);
        hs.requestUnstake();
        at = bound(at, T0, T0 + 30 days);
        vm.warp(at);
        vm.prank(host);
        if (at < T0 + DELAY) {
            vm.expectRevert(abi.encodeWithSelector(HostStake.UnstakeTooEarly.selector, host, uint40(T0 + DELAY)));
            hs.unstake();
        } else {
            hs.unstake();
            vm.assertEq(address(hs).balance, 0, "paid out");
        }
    }
}
