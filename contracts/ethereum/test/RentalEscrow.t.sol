// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {Test} from "./utils/Test.sol";
import {RentalEscrow} from "../src/RentalEscrow.sol";
import {Roles} from "../src/base/Roles.sol";
import {Asset} from "../src/lib/Asset.sol";
import {ReentrancyGuard} from "../src/base/ReentrancyGuard.sol";
import {RejectingReceiver, ReentrantAccount} from "./mocks/Actors.sol";

/// @notice Unit tests of the ETH escrow: every rule of open, topUp, settle, settleBatch, reclaim,
/// withdraw and the roles, each with the refusal it must produce.
contract RentalEscrowTest is Test {
    uint16 constant FEE_BPS = 250; // 2.5 %
    uint256 constant GRACE = 1 days;
    uint256 constant T0 = 1_700_000_000;

    RentalEscrow escrow;
    address owner = makeAddr("owner");
    address operator = makeAddr("operator");
    address treasury = makeAddr("treasury");
    address renter = makeAddr("renter");
    address host = makeAddr("host");
    address stranger = makeAddr("stranger");

    bytes32 constant ID = keccak256("booking-1");

    function setUp() public {
        vm.warp(T0);
        escrow = new RentalEscrow(address(0), owner, operator, treasury, FEE_BPS, GRACE);
        vm.deal(renter, 1_000 ether);
        vm.deal(stranger, 1_000 ether);
        vm.deal(operator, 1_000 ether);
    }

    function _open(bytes32 id, uint256 amount, uint40 expiresAt) internal {
        vm.prank(renter);
        escrow.open{value: amount}(id, host, expiresAt, amount);
    }

    function _expiry() internal pure returns (uint40) {
        return uint40(T0 + 1 hours);
    }

    // --- constructor -------------------------------------------------------------------------

    function test_constructor_refusesBadParameters() public {
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.FeeTooHigh.selector, 1001, 1000));
        new RentalEscrow(address(0), owner, operator, treasury, 1001, GRACE);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.GraceTooLong.selector, 31 days, 30 days));
        new RentalEscrow(address(0), owner, operator, treasury, FEE_BPS, 31 days);
        vm.expectRevert(Roles.ZeroAddress.selector);
        new RentalEscrow(address(0), owner, operator, address(0), FEE_BPS, GRACE);
        vm.expectRevert(Roles.ZeroAddress.selector);
        new RentalEscrow(address(0), owner, address(0), treasury, FEE_BPS, GRACE);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.NotAToken.selector, stranger));
        new RentalEscrow(stranger, owner, operator, treasury, FEE_BPS, GRACE);
    }

    function test_constructor_exposesItsTerms() public view {
        vm.assertEq(escrow.token(), address(0), "token");
        vm.assertEq(escrow.treasury(), treasury, "treasury");
        vm.assertEq(escrow.feeBps(), FEE_BPS, "fee");
        vm.assertEq(escrow.grace(), GRACE, "grace");
        vm.assertEq(escrow.operator(), operator, "operator");
        vm.assertEq(escrow.owner(), owner, "owner");
    }

    // --- open --------------------------------------------------------------------------------

    function test_open_recordsTheRentalAndEmitsEverythingTheGatewayChecks() public {
        vm.expectEmit(true, true, true, true, address(escrow));
        emit RentalEscrow.Opened(ID, renter, host, address(0), 1 ether, _expiry(), FEE_BPS);
        _open(ID, 1 ether, _expiry());

        (address h, uint256 deposit, uint40 expiresAt, uint16 fee, RentalEscrow.Status status) =
            escrow.getRental(renter, ID);
        vm.assertEq(h, host, "host");
        vm.assertEq(deposit, 1 ether, "deposit");
        vm.assertEq(expiresAt, _expiry(), "expiresAt");
        vm.assertEq(fee, FEE_BPS, "feeBps");
        vm.assertTrue(status == RentalEscrow.Status.Open, "status");
        vm.assertEq(address(escrow).balance, 1 ether, "escrow balance");
        vm.assertEq(escrow.reclaimableAt(renter, ID), _expiry() + GRACE, "reclaimableAt");
    }

    function test_open_refusesZeroDeposit() public {
        vm.prank(renter);
        vm.expectRevert(RentalEscrow.ZeroAmount.selector);
        escrow.open(ID, host, _expiry(), 0);
    }

    function test_open_refusesZeroOrSelfHost() public {
        vm.prank(renter);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.InvalidHost.selector, address(0)));
        escrow.open{value: 1}(ID, address(0), _expiry(), 1);
        vm.prank(renter);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.InvalidHost.selector, address(escrow)));
        escrow.open{value: 1}(ID, address(escrow), _expiry(), 1);
    }

    function test_open_refusesExpiryNowOrPast() public {
        vm.prank(renter);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.ExpiryNotInFuture.selector, T0, T0));
        escrow.open{value: 1}(ID, host, uint40(T0), 1);
        vm.prank(renter);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.ExpiryNotInFuture.selector, T0 - 1, T0));
        escrow.open{value: 1}(ID, host, uint40(T0 - 1), 1);
    }

    function test_open_refusesADuplicateId_evenAfterSettlement() public {
        _open(ID, 1 ether, _expiry());
        vm.prank(renter);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.RentalExists.selector, renter, ID));
        escrow.open{value: 1 ether}(ID, stranger, _expiry(), 1 ether);

        vm.prank(operator);
        escrow.settle(renter, ID, 0);
        vm.prank(renter);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.RentalExists.selector, renter, ID));
        escrow.open{value: 1 ether}(ID, host, _expiry(), 1 ether);
    }

    /// Someone who copies the id of an open in flight and sends it first (a higher fee, a builder of
    /// their own) opens only a rental of their own: the renter's open still goes through, and the
    /// gateway settles (renter, id), never the squatter's deposit.
    function test_open_aFrontRunnerOnlyOpensItsOwn() public {
        vm.expectEmit(true, true, true, true, address(escrow));
        emit RentalEscrow.Opened(ID, stranger, stranger, address(0), 1, _expiry(), FEE_BPS);
        vm.prank(stranger);
        escrow.open{value: 1}(ID, stranger, _expiry(), 1);

        vm.expectEmit(true, true, true, true, address(escrow));
        emit RentalEscrow.Opened(ID, renter, host, address(0), 1 ether, _expiry(), FEE_BPS);
        _open(ID, 1 ether, _expiry());

        vm.expectEmit(true, true, true, true, address(escrow));
        emit RentalEscrow.Settled(ID, renter, host, 0.975 ether, 0.025 ether, 0);
        vm.prank(operator);
        escrow.settle(renter, ID, 1 ether);
        vm.assertEq(escrow.creditOf(host), 0.975 ether, "the host paid from the renter's deposit");
        vm.assertEq(escrow.creditOf(stranger), 0, "the squatter earns nothing");
        (address h, uint256 held,,, RentalEscrow.Status status) = escrow.getRental(stranger, ID);
        vm.assertEq(h, stranger, "the squatter's host");
        vm.assertEq(held, 1, "the squatter's deposit");
        vm.assertTrue(status == RentalEscrow.Status.Open, "the squatter's own rental, untouched");
    }

    function test_open_refusesValueThatDoesNotMatchTheAmount() public {
        vm.prank(renter);
        vm.expectRevert(abi.encodeWithSelector(Asset.ValueMismatch.selector, 1 ether - 1, 1 ether));
        escrow.open{value: 1 ether - 1}(ID, host, _expiry(), 1 ether);
        vm.prank(renter);
        vm.expectRevert(abi.encodeWithSelector(Asset.ValueMismatch.selector, 2 ether, 1 ether));
        escrow.open{value: 2 ether}(ID, host, _expiry(), 1 ether);
    }

    function test_open_refusesAmountsAboveUint96() public {
        uint256 tooMuch = uint256(type(uint96).max) + 1;
        vm.deal(renter, tooMuch);
        vm.prank(renter);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.AmountTooLarge.selector, tooMuch));
        escrow.open{value: tooMuch}(ID, host, _expiry(), tooMuch);
    }

    function test_plainEthTransfersAreRefused() public {
        vm.prank(stranger);
        (bool ok,) = address(escrow).call{value: 1 ether}("");
        vm.assertFalse(ok, "escrow must not accept stray ETH");
    }

    // --- topUp -------------------------------------------------------------------------------

    function test_topUp_addsToTheDepositAndExtends() public {
        _open(ID, 1 ether, _expiry());
        uint40 later = _expiry() + 1 hours;
        vm.expectEmit(true, true, true, true, address(escrow));
        emit RentalEscrow.ToppedUp(ID, renter, 0.5 ether, 1.5 ether, later);
        vm.prank(renter);
        escrow.topUp{value: 0.5 ether}(ID, 0.5 ether, later);

        (, uint256 deposit, uint40 expiresAt,,) = escrow.getRental(renter, ID);
        vm.assertEq(deposit, 1.5 ether, "deposit");
        vm.assertEq(expiresAt, later, "expiresAt");
        vm.assertEq(address(escrow).balance, 1.5 ether, "balance");
    }

    function test_topUp_zeroExpiryKeepsIt_zeroAmountJustExtends() public {
        _open(ID, 1 ether, _expiry());
        vm.prank(renter);
        escrow.topUp{value: 1}(ID, 1, 0);
        (, uint256 deposit, uint40 expiresAt,,) = escrow.getRental(renter, ID);
        vm.assertEq(expiresAt, _expiry(), "expiry kept");
        vm.assertEq(deposit, 1 ether + 1, "deposit");

        vm.prank(renter);
        escrow.topUp(ID, 0, _expiry() + 10);
        (, deposit, expiresAt,,) = escrow.getRental(renter, ID);
        vm.assertEq(expiresAt, _expiry() + 10, "extended");
        vm.assertEq(deposit, 1 ether + 1, "deposit unchanged");

        vm.prank(renter);
        vm.expectRevert(RentalEscrow.ZeroAmount.selector);
        escrow.topUp(ID, 0, 0);
    }

    function test_topUp_onlyByTheRenter() public {
        _open(ID, 1 ether, _expiry());
        // another caller's ID is another rental, which does not exist
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.NotOpen.selector, ID, RentalEscrow.Status.None));
        escrow.topUp{value: 1 ether}(ID, 1 ether, 0);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.NotOpen.selector, ID, RentalEscrow.Status.None));
        escrow.topUp{value: 1 ether}(ID, 1 ether, 0);
        (, uint256 deposit,,,) = escrow.getRental(renter, ID);
        vm.assertEq(deposit, 1 ether, "untouched");
    }

    function test_topUp_cannotShortenTheExpiry() public {
        _open(ID, 1 ether, _expiry());
        vm.prank(renter);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.ExpiryNotExtended.selector, _expiry(), _expiry() - 1));
        escrow.topUp{value: 1}(ID, 1, _expiry() - 1);
    }

    function test_topUp_refusedOnceSettledOrUnknown() public {
        vm.prank(renter);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.NotOpen.selector, ID, RentalEscrow.Status.None));
        escrow.topUp{value: 1}(ID, 1, 0);

        _open(ID, 1 ether, _expiry());
        vm.prank(operator);
        escrow.settle(renter, ID, 0.2 ether);
        vm.prank(renter);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.NotOpen.selector, ID, RentalEscrow.Status.Settled));
        escrow.topUp{value: 1}(ID, 1, 0);
    }

    function test_topUp_refusesOverflowingUint96() public {
        uint256 big = type(uint96).max;
        vm.deal(renter, big + 1);
        vm.prank(renter);
        escrow.open{value: big}(ID, host, _expiry(), big);
        vm.prank(renter);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.AmountTooLarge.selector, big + 1));
        escrow.topUp{value: 1}(ID, 1, 0);
    }

    // --- settle ------------------------------------------------------------------------------

    function test_settle_splitsUsedBetweenHostAndTreasury_refundsTheRest() public {
        _open(ID, 1 ether, _expiry());
        uint256 used = 0.4 ether;
        uint256 fee = used * FEE_BPS / 10_000; // 0.01 ether
        vm.expectEmit(true, true, true, true, address(escrow));
        emit RentalEscrow.Settled(ID, renter, host, used - fee, fee, 0.6 ether);
        vm.prank(operator);
        escrow.settle(renter, ID, used);

        vm.assertEq(escrow.creditOf(host), used - fee, "host");
        vm.assertEq(escrow.creditOf(treasury), fee, "treasury");
        vm.assertEq(escrow.creditOf(renter), 0, "the renter's part stays in the rental");
        vm.assertEq(escrow.creditOf(operator), 0, "operator gets nothing");
        (, uint256 refundDue,,, RentalEscrow.Status status) = escrow.getRental(renter, ID);
        vm.assertEq(refundDue, 0.6 ether, "renter's refund");
        vm.assertTrue(status == RentalEscrow.Status.Settled, "settled");
        vm.assertEq(address(escrow).balance, 1 ether, "nothing sent yet: pull payments");
    }

    function test_settle_usesTheFeeFixedAtOpen() public {
        RentalEscrow free = new RentalEscrow(address(0), owner, operator, treasury, 0, GRACE);
        vm.prank(renter);
        free.open{value: 1 ether}(ID, host, _expiry(), 1 ether);
        vm.prank(operator);
        free.settle(renter, ID, 1 ether);
        vm.assertEq(free.creditOf(host), 1 ether, "host gets all of it at 0 bps");
        vm.assertEq(free.creditOf(treasury), 0, "no fee");
        (, uint256 refundDue,,,) = free.getRental(renter, ID);
        vm.assertEq(refundDue, 0, "no refund");
    }

    function test_settle_zeroUsedRefundsEverything() public {
        _open(ID, 1 ether, _expiry());
        vm.prank(operator);
        escrow.settle(renter, ID, 0);
        (, uint256 refundDue,,,) = escrow.getRental(renter, ID);
        vm.assertEq(refundDue, 1 ether, "renter");
        vm.assertEq(escrow.creditOf(host), 0, "host");
        vm.assertEq(escrow.creditOf(treasury), 0, "treasury");
    }

    function test_settle_onlyTheOperator() public {
        _open(ID, 1 ether, _expiry());
        address[4] memory others = [owner, renter, host, treasury];
        for (uint256 i; i < others.length; ++i) {
            vm.prank(others[i]);
            vm.expectRevert(Roles.NotOperator.selector);
            escrow.settle(renter, ID, 0);
        }
    }

    function test_settle_once() public {
        _open(ID, 1 ether, _expiry());
        vm.prank(operator);
        escrow.settle(renter, ID, 0.5 ether);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.NotOpen.selector, ID, RentalEscrow.Status.Settled));
        escrow.settle(renter, ID, 0.5 ether);
    }

    function test_settle_neverMoreThanTheDeposit() public {
        _open(ID, 1 ether, _expiry());
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.UsedExceedsDeposit.selector, ID, 1 ether + 1, 1 ether));
        escrow.settle(renter, ID, 1 ether + 1);
    }

    function test_settle_unknownRentalRefused() public {
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.NotOpen.selector, ID, RentalEscrow.Status.None));
        escrow.settle(renter, ID, 0);
    }

    function test_settle_stillPossibleAfterExpiryUntilReclaimed() public {
        _open(ID, 1 ether, _expiry());
        vm.warp(uint256(_expiry()) + GRACE + 100);
        vm.prank(operator);
        escrow.settle(renter, ID, 1 ether);
        vm.prank(renter);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.NotOpen.selector, ID, RentalEscrow.Status.Settled));
        escrow.reclaim(ID);
    }

    // --- settleBatch -------------------------------------------------------------------------

    function test_settleBatch_settlesOpenOnes_skipsTheRest() public {
        address[] memory renters = new address[](4);
        bytes32[] memory ids = new bytes32[](4);
        uint256[] memory used = new uint256[](4);
        for (uint256 i; i < 4; ++i) {
            renters[i] = renter;
        }
        for (uint256 i; i < 3; ++i) {
            ids[i] = keccak256(abi.encode("batch", i));
            used[i] = (i + 1) * 0.1 ether;
            _open(ids[i], 1 ether, _expiry());
        }
        ids[3] = keccak256("never opened");
        // rental 1 was already settled on its own
        vm.prank(operator);
        escrow.settle(renter, ids[1], 0.2 ether);

        vm.expectEmit(true, true, true, true, address(escrow));
        emit RentalEscrow.SettleSkipped(ids[1], renter, RentalEscrow.Status.Settled);
        vm.prank(operator);
        escrow.settleBatch(renters, ids, used);

        uint256 fee0 = uint256(0.1 ether) * FEE_BPS / 10_000;
        uint256 fee1 = uint256(0.2 ether) * FEE_BPS / 10_000;
        uint256 fee2 = uint256(0.3 ether) * FEE_BPS / 10_000;
        vm.assertEq(escrow.creditOf(treasury), fee0 + fee1 + fee2, "fees, rental 1 once");
        vm.assertEq(escrow.creditOf(host), 0.6 ether - fee0 - fee1 - fee2, "host");
        uint256 refunds;
        for (uint256 i; i < 3; ++i) {
            (, uint256 refundDue,,,) = escrow.getRental(renter, ids[i]);
            refunds += refundDue;
        }
        vm.assertEq(refunds, 3 ether - 0.6 ether, "refunds");
    }

    function test_settleBatch_revertsWholeOnOverdraw() public {
        address[] memory renters = new address[](2);
        renters[0] = renter;
        renters[1] = renter;
        bytes32[] memory ids = new bytes32[](2);
        uint256[] memory used = new uint256[](2);
        ids[0] = keccak256("a");
        ids[1] = keccak256("b");
        _open(ids[0], 1 ether, _expiry());
        _open(ids[1], 1 ether, _expiry());
        used[0] = 1 ether;
        used[1] = 1 ether + 1;
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.UsedExceedsDeposit.selector, ids[1], 1 ether + 1, 1 ether));
        escrow.settleBatch(renters, ids, used);
        (,,,, RentalEscrow.Status status) = escrow.getRental(renter, ids[0]);
        vm.assertTrue(status == RentalEscrow.Status.Open, "first one rolled back");
    }

    function test_settleBatch_refusesLengthMismatchAndStrangers() public {
        address[] memory renters = new address[](2);
        bytes32[] memory ids = new bytes32[](2);
        uint256[] memory used = new uint256[](1);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.LengthMismatch.selector, 2, 2, 1));
        escrow.settleBatch(renters, ids, used);
        address[] memory oneRenter = new address[](1);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.LengthMismatch.selector, 1, 2, 1));
        escrow.settleBatch(oneRenter, ids, used);
        vm.prank(stranger);
        vm.expectRevert(Roles.NotOperator.selector);
        escrow.settleBatch(renters, ids, used);
    }

    // --- reclaim -----------------------------------------------------------------------------

    function test_reclaim_byTheRenterFromExpiryPlusGrace() public {
        _open(ID, 1 ether, _expiry());
        uint256 at = uint256(_expiry()) + GRACE;
        vm.warp(at - 1);
        vm.prank(renter);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.ReclaimTooEarly.selector, ID, at));
        escrow.reclaim(ID);

        vm.warp(at);
        uint256 before = renter.balance;
        vm.expectEmit(true, true, true, true, address(escrow));
        emit RentalEscrow.Reclaimed(ID, renter, 1 ether);
        vm.prank(renter);
        escrow.reclaim(ID);
        vm.assertEq(renter.balance - before, 1 ether, "renter paid at once");
        vm.assertEq(escrow.creditOf(host), 0, "host nothing");
        vm.assertEq(address(escrow).balance, 0, "escrow empty");
        (, uint256 left,,, RentalEscrow.Status status) = escrow.getRental(renter, ID);
        vm.assertEq(left, 0, "nothing held");
        vm.assertTrue(status == RentalEscrow.Status.Reclaimed, "reclaimed");
    }

    function test_reclaim_byNobodyElse() public {
        _open(ID, 1 ether, _expiry());
        vm.warp(uint256(_expiry()) + GRACE + 1);
        address[5] memory others = [owner, operator, host, treasury, stranger];
        for (uint256 i; i < others.length; ++i) {
            vm.prank(others[i]);
            vm.expectRevert(abi.encodeWithSelector(RentalEscrow.NotOpen.selector, ID, RentalEscrow.Status.None));
            escrow.reclaim(ID);
        }
        (,,,, RentalEscrow.Status status) = escrow.getRental(renter, ID);
        vm.assertTrue(status == RentalEscrow.Status.Open, "still the renter's");
    }

    function test_reclaim_onceAndNeverAfterSettle() public {
        _open(ID, 1 ether, _expiry());
        vm.warp(uint256(_expiry()) + GRACE);
        vm.prank(renter);
        escrow.reclaim(ID);
        vm.prank(renter);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.NotOpen.selector, ID, RentalEscrow.Status.Reclaimed));
        escrow.reclaim(ID);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.NotOpen.selector, ID, RentalEscrow.Status.Reclaimed));
        escrow.settle(renter, ID, 1);
    }

    function test_reclaim_extendedExpiryMovesTheWindow() public {
        _open(ID, 1 ether, _expiry());
        vm.prank(renter);
        escrow.topUp(ID, 0, _expiry() + 1 days);
        vm.warp(uint256(_expiry()) + GRACE);
        vm.prank(renter);
        vm.expectRevert(
            abi.encodeWithSelector(RentalEscrow.ReclaimTooEarly.selector, ID, uint256(_expiry()) + 1 days + GRACE)
        );
        escrow.reclaim(ID);
    }

    // --- withdraw ----------------------------------------------------------------------------

    function test_withdraw_paysEachPartyItsOwnCredit() public {
        _open(ID, 1 ether, _expiry());
        vm.prank(operator);
        escrow.settle(renter, ID, 0.4 ether);

        uint256 hostBefore = host.balance;
        vm.expectEmit(true, true, true, true, address(escrow));
        emit RentalEscrow.Withdrawn(host, 0.39 ether);
        vm.prank(host);
        escrow.withdraw();
        vm.assertEq(host.balance - hostBefore, 0.39 ether, "host paid");

        uint256 renterBefore = renter.balance;
        vm.expectEmit(true, true, true, true, address(escrow));
        emit RentalEscrow.Refunded(ID, renter, 0.6 ether);
        vm.prank(renter);
        escrow.refund(renter, ID);
        vm.assertEq(renter.balance - renterBefore, 0.6 ether, "renter refunded");

        vm.prank(treasury);
        escrow.withdraw();
        vm.assertEq(treasury.balance, 0.01 ether, "treasury fee");
        vm.assertEq(address(escrow).balance, 0, "escrow empty");

        vm.prank(host);
        vm.expectRevert(RentalEscrow.NothingToWithdraw.selector);
        escrow.withdraw();
        vm.prank(operator);
        vm.expectRevert(RentalEscrow.NothingToWithdraw.selector);
        escrow.withdraw();
        vm.prank(renter);
        vm.expectRevert(RentalEscrow.NothingToWithdraw.selector);
        escrow.withdraw();
    }

    // --- refund ------------------------------------------------------------------------------

    function test_refund_paysTheRenterWhoeverCalls() public {
        _open(ID, 1 ether, _expiry());
        vm.prank(operator);
        escrow.settle(renter, ID, 0.25 ether);
        uint256 before = renter.balance;
        vm.prank(stranger); // e.g. the gateway paying the gas for the renter
        escrow.refund(renter, ID);
        vm.assertEq(renter.balance - before, 0.75 ether, "to the renter");
        vm.assertEq(stranger.balance, 1_000 ether, "not to the caller");
    }

    function test_refund_onlySettled_onlyOnce_notWhenAllWasUsed() public {
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.NotSettled.selector, ID, RentalEscrow.Status.None));
        escrow.refund(renter, ID);
        _open(ID, 1 ether, _expiry());
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.NotSettled.selector, ID, RentalEscrow.Status.Open));
        escrow.refund(renter, ID);
        vm.prank(operator);
        escrow.settle(renter, ID, 0.5 ether);
        escrow.refund(renter, ID);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.NothingToRefund.selector, ID));
        escrow.refund(renter, ID);

        bytes32 all = keccak256("all used");
        _open(all, 1 ether, _expiry());
        vm.prank(operator);
        escrow.settle(renter, all, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.NothingToRefund.selector, all));
        escrow.refund(renter, all);
    }

    function test_refund_neverForAReclaimedRental() public {
        _open(ID, 1 ether, _expiry());
        vm.warp(uint256(_expiry()) + GRACE);
        vm.prank(renter);
        escrow.reclaim(ID);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.NotSettled.selector, ID, RentalEscrow.Status.Reclaimed));
        escrow.refund(renter, ID);
    }

    function test_withdraw_creditAccumulatesAgainAfterAWithdrawal() public {
        _open(ID, 1 ether, _expiry());
        vm.prank(operator);
        escrow.settle(renter, ID, 1 ether);
        vm.prank(host);
        escrow.withdraw();
        vm.assertEq(escrow.creditOf(host), 0, "zero after withdraw");

        bytes32 id2 = keccak256("booking-2");
        _open(id2, 2 ether, _expiry());
        vm.prank(operator);
        escrow.settle(renter, id2, 2 ether);
        vm.assertEq(escrow.creditOf(host), 1.95 ether, "second payout");
    }

    function test_withdraw_aPayeeThatRefusesEthOnlyHurtsItself() public {
        RejectingReceiver badHost = new RejectingReceiver();
        vm.prank(renter);
        escrow.open{value: 1 ether}(ID, address(badHost), _expiry(), 1 ether);
        vm.prank(operator);
        escrow.settle(renter, ID, 0.5 ether); // settle never sends, so it cannot be blocked

        vm.expectRevert(abi.encodeWithSelector(Asset.EthTransferFailed.selector, address(badHost), 0.4875 ether));
        badHost.call(address(escrow), abi.encodeCall(RentalEscrow.withdraw, ()));
        vm.assertEq(escrow.creditOf(address(badHost)), 0.4875 ether, "credit kept");

        vm.prank(renter);
        escrow.refund(renter, ID);
        vm.assertEq(address(escrow).balance, 0.4875 ether + 0.0125 ether, "only the host's part and the fee left");
    }

    function test_withdraw_cannotBeReentered() public {
        ReentrantAccount attacker = new ReentrantAccount(); // a host
        vm.prank(renter);
        escrow.open{value: 1 ether}(ID, address(attacker), _expiry(), 1 ether);
        vm.prank(operator);
        escrow.settle(renter, ID, 1 ether);
        // a deposit that a successful reentrant withdraw would drain
        vm.prank(renter);
        escrow.open{value: 1 ether}(keccak256("other"), host, _expiry(), 1 ether);

        attacker.arm(address(escrow), abi.encodeCall(RentalEscrow.withdraw, ()));
        attacker.call(address(escrow), abi.encodeCall(RentalEscrow.withdraw, ()));
        vm.assertTrue(attacker.reentered(), "the receive hook ran");
        vm.assertFalse(attacker.reentrySucceeded(), "the nested withdraw was refused");
        vm.assertEq(address(attacker).balance, 0.975 ether, "paid exactly once");
        vm.assertEq(address(escrow).balance, 1 ether + 0.025 ether, "the other deposit and the fee are intact");
    }

    function test_refundAndReclaim_cannotBeReentered() public {
        ReentrantAccount renterContract = new ReentrantAccount();
        bytes32 other = keccak256("other");
        renterContract.call{value: 1 ether}(
            address(escrow), abi.encodeCall(RentalEscrow.open, (ID, host, _expiry(), 1 ether))
        );
        renterContract.call{value: 1 ether}(
            address(escrow), abi.encodeCall(RentalEscrow.open, (other, host, _expiry(), 1 ether))
        );
        vm.prank(operator);
        escrow.settle(address(renterContract), ID, 0);

        // while its refund is paid, it tries to reclaim the other rental (due by then)
        vm.warp(uint256(_expiry()) + GRACE);
        renterContract.arm(address(escrow), abi.encodeCall(RentalEscrow.reclaim, (other)));
        renterContract.call(address(escrow), abi.encodeCall(RentalEscrow.refund, (address(renterContract), ID)));
        vm.assertTrue(renterContract.reentered(), "hook ran");
        vm.assertFalse(renterContract.reentrySucceeded(), "nested reclaim refused");
        vm.assertEq(address(renterContract).balance, 1 ether, "refund paid once");
        renterContract.call(address(escrow), abi.encodeCall(RentalEscrow.reclaim, (other)));
        vm.assertEq(address(renterContract).balance, 2 ether, "then reclaimed normally");
    }

    function test_reentryIntoSettleFromAPayeeIsRefused() public {
        // even the operator's own payout account cannot nest a call while being paid
        ReentrantAccount opAccount = new ReentrantAccount();
        vm.prank(owner);
        escrow.setOperator(address(opAccount));
        bytes32 other = keccak256("other");
        vm.prank(renter);
        escrow.open{value: 1 ether}(other, host, _expiry(), 1 ether);

        opAccount.call{value: 1 ether}(
            address(escrow), abi.encodeCall(RentalEscrow.open, (ID, host, _expiry(), 1 ether))
        );
        opAccount.call(address(escrow), abi.encodeCall(RentalEscrow.settle, (address(opAccount), ID, 0)));
        opAccount.arm(address(escrow), abi.encodeCall(RentalEscrow.settle, (renter, other, 0)));
        opAccount.call(address(escrow), abi.encodeCall(RentalEscrow.refund, (address(opAccount), ID)));
        vm.assertTrue(opAccount.reentered(), "hook ran");
        vm.assertFalse(opAccount.reentrySucceeded(), "nested settle refused (Reentrancy)");
        (,,,, RentalEscrow.Status status) = escrow.getRental(renter, other);
        vm.assertTrue(status == RentalEscrow.Status.Open, "other rental untouched");
    }

    // --- roles -------------------------------------------------------------------------------

    function test_roles_ownerReplacesTheOperator_oldOneLosesIt() public {
        _open(ID, 1 ether, _expiry());
        address newOperator = makeAddr("new operator");
        vm.prank(stranger);
        vm.expectRevert(Roles.NotOwner.selector);
        escrow.setOperator(stranger);
        vm.prank(operator);
        vm.expectRevert(Roles.NotOwner.selector);
        escrow.setOperator(stranger);

        vm.prank(owner);
        escrow.setOperator(newOperator);
        vm.prank(operator);
        vm.expectRevert(Roles.NotOperator.selector);
        escrow.settle(renter, ID, 0);
        vm.prank(newOperator);
        escrow.settle(renter, ID, 0);
    }

    function test_roles_ownerCannotTouchDeposits() public {
        _open(ID, 1 ether, _expiry());
        vm.startPrank(owner);
        vm.expectRevert(Roles.NotOperator.selector);
        escrow.settle(renter, ID, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.NotOpen.selector, ID, RentalEscrow.Status.None));
        escrow.topUp(ID, 0, _expiry() + 1);
        vm.expectRevert(RentalEscrow.NothingToWithdraw.selector);
        escrow.withdraw();
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.NotOpen.selector, ID, RentalEscrow.Status.None));
        escrow.reclaim(ID);
        vm.stopPrank();
    }

    function test_roles_ownershipMovesInTwoSteps() public {
        address next = makeAddr("next owner");
        vm.prank(owner);
        escrow.transferOwnership(next);
        vm.assertEq(escrow.owner(), owner, "not yet");
        vm.prank(stranger);
        vm.expectRevert(Roles.NotPendingOwner.selector);
        escrow.acceptOwnership();
        vm.prank(next);
        escrow.acceptOwnership();
        vm.assertEq(escrow.owner(), next, "moved");
        vm.assertEq(escrow.pendingOwner(), address(0), "cleared");
        vm.prank(owner);
        vm.expectRevert(Roles.NotOwner.selector);
        escrow.setOperator(owner);
    }

    function test_reentrancyGuardSelectorIsStable() public pure {
        // the Java side decodes this error by selector
        require(ReentrancyGuard.Reentrancy.selector == bytes4(keccak256("Reentrancy()")), "selector");
    }
}
