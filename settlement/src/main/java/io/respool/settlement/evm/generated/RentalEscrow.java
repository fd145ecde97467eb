// GENERATED FILE - DO NOT EDIT. Regenerate with settlement/regen-wrappers.sh, which runs
// org.web3j.codegen.SolidityFunctionWrapperGenerator (org.web3j:codegen:5.0.2) --abiFuncs
// on contracts/ethereum/abi/RentalEscrow.abi and RentalEscrow.bin.
package io.respool.settlement.evm.generated;

import io.reactivex.Flowable;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import javax.annotation.processing.Generated;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.CustomError;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint16;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint40;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.RemoteCall;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.BaseEventResponse;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tuples.generated.Tuple5;
import org.web3j.tx.Contract;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;

/**
 * <p>Auto generated code.
 * <p><strong>Do not modify!</strong>
 * <p>Please use the <a href="https://docs.web3j.io/command_line.html">web3j command line tools</a>,
 * or the org.web3j.codegen.SolidityFunctionWrapperGenerator in the 
 * <a href="https://github.com/LFDT-web3j/web3j/tree/main/codegen">codegen module</a> to update.
 *
 * <p>Generated with web3j version 5.0.2.
 */
@SuppressWarnings("rawtypes")
@Generated("org.web3j.codegen.SolidityFunctionWrapperGenerator")
public class RentalEscrow extends Contract {
    public static final String BINARY = "610100604052348015610010575f5ffd5b5060405161289d38038061289d83398101604081905261002f91610218565b84846001600160a01b038216158061004e57506001600160a01b038116155b1561006c5760405163d92e233d60e01b815260040160405180910390fd5b5f80546001600160a01b03199081166001600160a01b03858116918217845560028054909316908516179091556040519091907f8be0079c531659141344cd1fd0a4f28419497f9722a3daafe3b4186f6b6457e0908290a36040516001600160a01b038216905f907fd58299b712891143e76310d5e664c4203c940a67db37cf856bdaa3c5c76a802c908290a350506001600160a01b0383166101225760405163d92e233d60e01b815260040160405180910390fd5b6103e861ffff8316111561015c576040516373ab893560e11b815261ffff831660048201526103e860248201526044015b60405180910390fd5b62278d0081111561018c576040516336990c1b60e21b81526004810182905262278d006024820152604401610153565b6001600160a01b038616158015906101ac57506001600160a01b0386163b155b156101d55760405163f0ae59ab60e01b81526001600160a01b0387166004820152602401610153565b6001600160a01b039586166080529190941660a05261ffff90931660c052505060e05261028b565b80516001600160a01b0381168114610213575f5ffd5b919050565b5f5f5f5f5f5f60c0878903121561022d575f5ffd5b610236876101fd565b9550610244602088016101fd565b9450610252604088016101fd565b9350610260606088016101fd565b9250608087015161ffff81168114610276575f5ffd5b8092505060a087015190509295509295509295565b60805160a05160c05160e05161259261030b5f395f81816101820152818161134001526119b501525f81816101c80152610ef401525f81816102d201528181610676015261097f01525f818161050801528181610b6a01528181610c8f015281816110a10152818161111e0152818161145d015261186c01526125925ff3fe60806040526004361061016d575f3560e01c80638b49fcae116100c6578063d55be8c61161007c578063f2fde38b11610057578063f2fde38b146104b9578063f5bc49e5146104d8578063fc0c546a146104f7575f5ffd5b8063d55be8c614610465578063e30c39781461047a578063e6fe2fe7146104a6575f5ffd5b806396afb365116100ac57806396afb36514610411578063b0620f5b14610430578063b3ab15fb14610446575f5ffd5b80638b49fcae1461033a5780638da5cb5b146103e6575f5ffd5b80633ccfd60b11610126578063633000731161010157806363300073146102f4578063758072501461030757806379ba509714610326575f5ffd5b80633ccfd60b1461025c578063570ca7351461027057806361d027b3146102c1575f5ffd5b80632d219b76116101565780632d219b76146101fd578063348f900d1461021e57806337b6ee7e1461023d575f5ffd5b80631eefddb11461017157806324a9d853146101b7575b5f5ffd5b34801561017c575f5ffd5b506101a47f000000000000000000000000000000000000000000000000000000000000000081565b6040519081526020015b60405180910390f35b3480156101c2575f5ffd5b506101ea7f000000000000000000000000000000000000000000000000000000000000000081565b60405161ffff90911681526020016101ae565b348015610208575f5ffd5b5061021c6102173660046121a7565b61052a565b005b348015610229575f5ffd5b5061021c61023836600461221f565b6106ae565b348015610248575f5ffd5b5061021c6102573660046122be565b6109b7565b348015610267575f5ffd5b5061021c610ba1565b34801561027b575f5ffd5b5060025461029c9073ffffffffffffffffffffffffffffffffffffffff1681565b60405173ffffffffffffffffffffffffffffffffffffffff90911681526020016101ae565b3480156102cc575f5ffd5b5061029c7f000000000000000000000000000000000000000000000000000000000000000081565b61021c6103023660046122fa565b610cc4565b348015610312575f5ffd5b506101a461032136600461233b565b611155565b348015610331575f5ffd5b5061021c611199565b348015610345575f5ffd5b506103d56103543660046122be565b73ffffffffffffffffffffffffffffffffffffffff9182165f908152600360209081526040808320938352929052208054600190910154680100000000000000008204909216926bffffffffffffffffffffffff9092169164ffffffffff82169165010000000000810461ffff169167010000000000000090910460ff1690565b6040516101ae9594939291906123ba565b3480156103f1575f5ffd5b505f5461029c9073ffffffffffffffffffffffffffffffffffffffff1681565b34801561041c575f5ffd5b5061021c61042b36600461240c565b611265565b34801561043b575f5ffd5b506101a462278d0081565b348015610451575f5ffd5b5061021c61046036600461233b565b611494565b348015610470575f5ffd5b506101ea6103e881565b348015610485575f5ffd5b5060015461029c9073ffffffffffffffffffffffffffffffffffffffff1681565b61021c6104b4366004612423565b6115be565b3480156104c4575f5ffd5b5061021c6104d336600461233b565b611892565b3480156104e3575f5ffd5b506101a46104f23660046122be565b611957565b348015610502575f5ffd5b5061029c7f000000000000000000000000000000000000000000000000000000000000000081565b60025473ffffffffffffffffffffffffffffffffffffffff16331461057b576040517f7c214f0400000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b60ff5f5c16156105b7576040517fab143c0600000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b60015f805c60ff19168217905d5073ffffffffffffffffffffffffffffffffffffffff83165f90815260036020908152604080832085845290915290208054670100000000000000900460ff16600181600381111561061857610618612354565b1461065c5783816040517f09b9bfa8000000000000000000000000000000000000000000000000000000008152600401610653929190612455565b60405180910390fd5b5f610669838787876119f2565b9050801561069b5761069b7f000000000000000000000000000000000000000000000000000000000000000082611ba0565b505f91505060ff19815c16815d50505050565b60025473ffffffffffffffffffffffffffffffffffffffff1633146106ff576040517f7c214f0400000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b60ff5f5c161561073b576040517fab143c0600000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b60015f805c60ff19168217905d5084831415806107585750828114155b156107a0576040517f8ee979f5000000000000000000000000000000000000000000000000000000008152600481018690526024810184905260448101829052606401610653565b5f5f5b84811015610973575f60035f8a8a858181106107c1576107c1612469565b90506020020160208101906107d6919061233b565b73ffffffffffffffffffffffffffffffffffffffff1673ffffffffffffffffffffffffffffffffffffffff1681526020019081526020015f205f88888581811061082257610822612469565b602090810292909201358352508101919091526040015f208054909150670100000000000000900460ff16600181600381111561086157610861612354565b146108fa5789898481811061087857610878612469565b905060200201602081019061088d919061233b565b73ffffffffffffffffffffffffffffffffffffffff168888858181106108b5576108b5612469565b905060200201357f264d063feb7fd433446769c0f578ff57cefe59dd2d95f1de221c342ce2c19794836040516108eb9190612496565b60405180910390a3505061096b565b61095c828b8b8681811061091057610910612469565b9050602002016020810190610925919061233b565b8a8a8781811061093757610937612469565b9050602002013589898881811061095057610950612469565b905060200201356119f2565b61096690856124d1565b935050505b6001016107a3565b5080156109a4576109a47f000000000000000000000000000000000000000000000000000000000000000082611ba0565b505f60ff19815c16815d50505050505050565b60ff5f5c16156109f3576040517fab143c0600000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b60015f805c60ff19168217905d5073ffffffffffffffffffffffffffffffffffffffff82165f908152600360209081526040808320848452909152902060028154670100000000000000900460ff166003811115610a5357610a53612354565b14610a9e5780546040517f27263e2f00000000000000000000000000000000000000000000000000000000815261065391849167010000000000000090910460ff1690600401612455565b60018101546bffffffffffffffffffffffff165f819003610aee576040517fc706630000000000000000000000000000000000000000000000000000000000815260048101849052602401610653565b6001820180547fffffffffffffffffffffffffffffffffffffffff00000000000000000000000016905560405181815273ffffffffffffffffffffffffffffffffffffffff85169084907ff552ca82e113ac3c539c3d617f29fcd19c172a0c75dad017555c9e109f7fe1839060200160405180910390a3610b907f00000000000000000000000000000000000000000000000000000000000000008583611c0c565b505f905060ff19815c16815d505050565b60ff5f5c1615610bdd576040517fab143c0600000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b60015f805c60ff19168217905d50335f9081526004602052604090205460018111610c34576040517fd0d04f6000000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b335f908152600460205260408120600190819055610c5290836124e4565b60405181815290915033907f7084f5476618d8e60b11ef0d7d3f06914655adb8793e28ff7f018d4c76d505d59060200160405180910390a2610cb57f00000000000000000000000000000000000000000000000000000000000000003383611c0c565b505f905060ff19815c16815d50565b60ff5f5c1615610d00576040517fab143c0600000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b60015f805c60ff19168217905d50805f03610d47576040517f1f2a200500000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b6bffffffffffffffffffffffff811115610d90576040517f08083b2a00000000000000000000000000000000000000000000000000000000815260048101829052602401610653565b73ffffffffffffffffffffffffffffffffffffffff83161580610dc8575073ffffffffffffffffffffffffffffffffffffffff831630145b15610e17576040517f1cf8e9f800000000000000000000000000000000000000000000000000000000815273ffffffffffffffffffffffffffffffffffffffff84166004820152602401610653565b428264ffffffffff1611610e66576040517fe5df2bc500000000000000000000000000000000000000000000000000000000815264ffffffffff83166004820152426024820152604401610653565b335f908152600360208181526040808420888552909152822054670100000000000000900460ff1690811115610e9e57610e9e612354565b14610ede576040517fe321916300000000000000000000000000000000000000000000000000000000815233600482015260248101859052604401610653565b6040805160a08101825264ffffffffff841681527f000000000000000000000000000000000000000000000000000000000000000061ffff811660208301529181016001815273ffffffffffffffffffffffffffffffffffffffff86166020808301919091526bffffffffffffffffffffffff8516604092830152335f90815260038083528382208a8352835290839020845181549386015161ffff1665010000000000027fffffffffffffffffffffffffffffffffffffffffffffffffff0000000000000090941664ffffffffff909116179290921780835592840151919283917fffffffffffffffffffffffffffffffffffffffffffffffff00ffffffffffffff9091169067010000000000000090849081111561100057611000612354565b021790555060608281015182547fffffffff0000000000000000000000000000000000000000ffffffffffffffff166801000000000000000073ffffffffffffffffffffffffffffffffffffffff92831602178355608093840151600190930180547fffffffffffffffffffffffffffffffffffffffff000000000000000000000000166bffffffffffffffffffffffff90941693909317909255604080517f0000000000000000000000000000000000000000000000000000000000000000841681526020810187905264ffffffffff88169181019190915261ffff85169181019190915290861691339188917fba495331bdcbf581234ca96cf464066e333b97ec2c05ff3c7a0f043f61b7ea72910160405180910390a46111447f00000000000000000000000000000000000000000000000000000000000000003384611d91565b505f60ff19815c16815d5050505050565b73ffffffffffffffffffffffffffffffffffffffff81165f9081526004602052604081205480156111905761118b6001826124e4565b611192565b5f5b9392505050565b60015473ffffffffffffffffffffffffffffffffffffffff1633146111ea576040517f1853971c00000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b5f8054604051339273ffffffffffffffffffffffffffffffffffffffff909216917f8be0079c531659141344cd1fd0a4f28419497f9722a3daafe3b4186f6b6457e091a35f80547fffffffffffffffffffffffff00000000000000000000000000000000000000009081163317909155600180549091169055565b60ff5f5c16156112a1576040517fab143c0600000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b60015f805c60ff19168217905d50335f908152600360209081526040808320848452909152902060018154670100000000000000900460ff1660038111156112eb576112eb612354565b146113365780546040517f09b9bfa800000000000000000000000000000000000000000000000000000000815261065391849167010000000000000090910460ff1690600401612455565b80545f9061136c907f00000000000000000000000000000000000000000000000000000000000000009064ffffffffff166124d1565b9050804210156113b2576040517f166a3eb80000000000000000000000000000000000000000000000000000000081526004810184905260248101829052604401610653565b60018201805483546703000000000000007fffffffffffffffffffffffffffffffffffffffffffffffff00ffffffffffffff9091161784557fffffffffffffffffffffffffffffffffffffffff00000000000000000000000081169091556040516bffffffffffffffffffffffff90911680825290339085907f15d3ff426f736ded7ea73283575f6dc42d6d4247faaa84108c3526511ddebbb79060200160405180910390a36114837f00000000000000000000000000000000000000000000000000000000000000003383611c0c565b505f91505060ff19815c16815d5050565b5f5473ffffffffffffffffffffffffffffffffffffffff1633146114e4576040517f30cd747100000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b73ffffffffffffffffffffffffffffffffffffffff8116611531576040517fd92e233d00000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b60025460405173ffffffffffffffffffffffffffffffffffffffff8084169216907fd58299b712891143e76310d5e664c4203c940a67db37cf856bdaa3c5c76a802c905f90a3600280547fffffffffffffffffffffffff00000000000000000000000000000000000000001673ffffffffffffffffffffffffffffffffffffffff92909216919091179055565b60ff5f5c16156115fa576040517fab143c0600000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b60015f805c60ff19168217905d50335f908152600360209081526040808320868452909152902060018154670100000000000000900460ff16600381111561164457611644612354565b1461168f5780546040517f09b9bfa800000000000000000000000000000000000000000000000000000000815261065391869167010000000000000090910460ff1690600401612455565b821580156116a2575064ffffffffff8216155b156116d9576040517f1f2a200500000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b805464ffffffffff90811690831615611777578064ffffffffff168364ffffffffff161015611745576040517ffe98eaa900000000000000000000000000000000000000000000000000000000815264ffffffffff808316600483015284166024820152604401610653565b5080547fffffffffffffffffffffffffffffffffffffffffffffffffffffff00000000001664ffffffffff8316178155815b60018201545f906117979086906bffffffffffffffffffffffff166124d1565b90506bffffffffffffffffffffffff8111156117e2576040517f08083b2a00000000000000000000000000000000000000000000000000000000815260048101829052602401610653565b6001830180547fffffffffffffffffffffffffffffffffffffffff000000000000000000000000166bffffffffffffffffffffffff8316179055604080518681526020810183905264ffffffffff8416818301529051339188917f31db0ae98e99331b10afd00b47b3f171b6ceeefd1abf550c25183b2adcc54182916060908290030190a361069b7f00000000000000000000000000000000000000000000000000000000000000003387611d91565b5f5473ffffffffffffffffffffffffffffffffffffffff1633146118e2576040517f30cd747100000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b600180547fffffffffffffffffffffffff00000000000000000000000000000000000000001673ffffffffffffffffffffffffffffffffffffffff8381169182179092555f8054604051929316917f38d16b8cac22d99fc7c124b9cd0de2d3fa1faef420bfe791d8c362d765e227009190a350565b73ffffffffffffffffffffffffffffffffffffffff82165f9081526003602090815260408083208484529091528120818154670100000000000000900460ff1660038111156119a8576119a8612354565b146119e65780546119e1907f00000000000000000000000000000000000000000000000000000000000000009064ffffffffff166124d1565b6119e8565b5f5b9150505b92915050565b60018401545f906bffffffffffffffffffffffff1680831115611a52576040517f65d69181000000000000000000000000000000000000000000000000000000008152600481018590526024810184905260448101829052606401610653565b855461271090611a6f9065010000000000900461ffff16856124f7565b611a79919061250e565b91505f611a8683856124e4565b90505f611a9385846124e4565b88547fffffffffffffffffffffffffffffffffffffffffffffffff00ffffffffffffff8116670200000000000000178a5560018a0180547fffffffffffffffffffffffffffffffffffffffff000000000000000000000000166bffffffffffffffffffffffff841617905590915073ffffffffffffffffffffffffffffffffffffffff68010000000000000000909104168215611b3457611b348184611ba0565b604080518481526020810187905290810183905273ffffffffffffffffffffffffffffffffffffffff80831691908a169089907fe0b97d7c69d7aa21437d2a75a40b65369532d3f7eb8f64f29c37be14be6c98489060600160405180910390a450505050949350505050565b73ffffffffffffffffffffffffffffffffffffffff82165f90815260046020526040902054818115611bd25781611bd5565b60015b611bdf91906124d1565b73ffffffffffffffffffffffffffffffffffffffff9093165f908152600460205260409020929092555050565b73ffffffffffffffffffffffffffffffffffffffff8316611ce2575f8273ffffffffffffffffffffffffffffffffffffffff16826040515f6040518083038185875af1925050503d805f8114611c7d576040519150601f19603f3d011682016040523d82523d5f602084013e611c82565b606091505b5050905080611cdc576040517fdea95fba00000000000000000000000000000000000000000000000000000000815273ffffffffffffffffffffffffffffffffffffffff8416600482015260248101839052604401610653565b50505050565b60405173ffffffffffffffffffffffffffffffffffffffff8316602482015260448101829052611d8c908490606401604080517fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe08184030181529190526020810180517bffffffffffffffffffffffffffffffffffffffffffffffffffffffff167fa9059cbb00000000000000000000000000000000000000000000000000000000179052612083565b505050565b73ffffffffffffffffffffffffffffffffffffffff8316611dee57803414611d8c576040517f626ade3000000000000000000000000000000000000000000000000000000000815234600482015260248101829052604401610653565b3415611e2e576040517f626ade300000000000000000000000000000000000000000000000000000000081523460048201525f6024820152604401610653565b805f03611e3a57505050565b6040517f70a082310000000000000000000000000000000000000000000000000000000081523060048201525f9073ffffffffffffffffffffffffffffffffffffffff8516906370a0823190602401602060405180830381865afa158015611ea4573d5f5f3e3d5ffd5b505050506040513d601f19601f82011682018060405250810190611ec89190612546565b60405173ffffffffffffffffffffffffffffffffffffffff8516602482015230604482015260648101849052909150611f7b908590608401604080517fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe08184030181529190526020810180517bffffffffffffffffffffffffffffffffffffffffffffffffffffffff167f23b872dd00000000000000000000000000000000000000000000000000000000179052612083565b6040517f70a082310000000000000000000000000000000000000000000000000000000081523060048201525f9073ffffffffffffffffffffffffffffffffffffffff8616906370a0823190602401602060405180830381865afa158015611fe5573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906120099190612546565b90508181108061202257508261201f83836124e4565b14155b1561207c5781811061203d5761203882826124e4565b61203f565b5f5b6040517f53ee4726000000000000000000000000000000000000000000000000000000008152600481019190915260248101849052604401610653565b5050505050565b5f5f8373ffffffffffffffffffffffffffffffffffffffff16836040516120aa919061255d565b5f604051808303815f865af19150503d805f81146120e3576040519150601f19603f3d011682016040523d82523d5f602084013e6120e8565b606091505b5091509150811580612130575080511561211657808060200190518101906121109190612573565b15612130565b73ffffffffffffffffffffffffffffffffffffffff84163b155b15611cdc576040517f2b596cb700000000000000000000000000000000000000000000000000000000815273ffffffffffffffffffffffffffffffffffffffff85166004820152602401610653565b803573ffffffffffffffffffffffffffffffffffffffff811681146121a2575f5ffd5b919050565b5f5f5f606084860312156121b9575f5ffd5b6121c28461217f565b95602085013595506040909401359392505050565b5f5f83601f8401126121e7575f5ffd5b50813567ffffffffffffffff8111156121fe575f5ffd5b6020830191508360208260051b8501011115612218575f5ffd5b9250929050565b5f5f5f5f5f5f60608789031215612234575f5ffd5b863567ffffffffffffffff81111561224a575f5ffd5b61225689828a016121d7565b909750955050602087013567ffffffffffffffff811115612275575f5ffd5b61228189828a016121d7565b909550935050604087013567ffffffffffffffff8111156122a0575f5ffd5b6122ac89828a016121d7565b979a9699509497509295939492505050565b5f5f604083850312156122cf575f5ffd5b6122d88361217f565b946020939093013593505050565b803564ffffffffff811681146121a2575f5ffd5b5f5f5f5f6080858703121561230d575f5ffd5b8435935061231d6020860161217f565b925061232b604086016122e6565b9396929550929360600135925050565b5f6020828403121561234b575f5ffd5b6111928261217f565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52602160045260245ffd5b600481106123b6577f4e487b71000000000000000000000000000000000000000000000000000000005f52602160045260245ffd5b9052565b73ffffffffffffffffffffffffffffffffffffffff861681526020810185905264ffffffffff8416604082015261ffff8316606082015260a081016124026080830184612381565b9695505050505050565b5f6020828403121561241c575f5ffd5b5035919050565b5f5f5f60608486031215612435575f5ffd5b833592506020840135915061244c604085016122e6565b90509250925092565b828152604081016111926020830184612381565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52603260045260245ffd5b602081016119ec8284612381565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52601160045260245ffd5b808201808211156119ec576119ec6124a4565b818103818111156119ec576119ec6124a4565b80820281158282048414176119ec576119ec6124a4565b5f82612541577f4e487b71000000000000000000000000000000000000000000000000000000005f52601260045260245ffd5b500490565b5f60208284031215612556575f5ffd5b5051919050565b5f82518060208501845e5f920191825250919050565b5f60208284031215612583575f5ffd5b81518015158114611192575f5ffd";

    private static String librariesLinkedBinary;

    public static final String FUNC_MAX_FEE_BPS = "MAX_FEE_BPS";

    public static final String FUNC_MAX_GRACE = "MAX_GRACE";

    public static final String FUNC_ACCEPTOWNERSHIP = "acceptOwnership";

    public static final String FUNC_CREDITOF = "creditOf";

    public static final String FUNC_FEEBPS = "feeBps";

    public static final String FUNC_GETRENTAL = "getRental";

    public static final String FUNC_GRACE = "grace";

    public static final String FUNC_OPEN = "open";

    public static final String FUNC_OPERATOR = "operator";

    public static final String FUNC_OWNER = "owner";

    public static final String FUNC_PENDINGOWNER = "pendingOwner";

    public static final String FUNC_RECLAIM = "reclaim";

    public static final String FUNC_RECLAIMABLEAT = "reclaimableAt";

    public static final String FUNC_REFUND = "refund";

    public static final String FUNC_SETOPERATOR = "setOperator";

    public static final String FUNC_SETTLE = "settle";

    public static final String FUNC_SETTLEBATCH = "settleBatch";

    public static final String FUNC_TOKEN = "token";

    public static final String FUNC_TOPUP = "topUp";

    public static final String FUNC_TRANSFEROWNERSHIP = "transferOwnership";

    public static final String FUNC_TREASURY = "treasury";

    public static final String FUNC_WITHDRAW = "withdraw";

    public static final Event OPENED_EVENT = new Event("Opened", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>(true) {}, new TypeReference<Address>(true) {}, new TypeReference<Address>(true) {}, new TypeReference<Address>() {}, new TypeReference<Uint256>() {}, new TypeReference<Uint40>() {}, new TypeReference<Uint16>() {}));
    ;

    public static final Event OPERATORCHANGED_EVENT = new Event("OperatorChanged", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Address>(true) {}, new TypeReference<Address>(true) {}));
    ;

    public static final Event OWNERSHIPTRANSFERSTARTED_EVENT = new Event("OwnershipTransferStarted", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Address>(true) {}, new TypeReference<Address>(true) {}));
    ;

    public static final Event OWNERSHIPTRANSFERRED_EVENT = new Event("OwnershipTransferred", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Address>(true) {}, new TypeReference<Address>(true) {}));
    ;

    public static final Event RECLAIMED_EVENT = new Event("Reclaimed", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>(true) {}, new TypeReference<Address>(true) {}, new TypeReference<Uint256>() {}));
    ;

    public static final Event REFUNDED_EVENT = new Event("Refunded", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>(true) {}, new TypeReference<Address>(true) {}, new TypeReference<Uint256>() {}));
    ;

    public static final Event SETTLESKIPPED_EVENT = new Event("SettleSkipped", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>(true) {}, new TypeReference<Address>(true) {}, new TypeReference<Uint8>() {}));
    ;

    public static final Event SETTLED_EVENT = new Event("Settled", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>(true) {}, new TypeReference<Address>(true) {}, new TypeReference<Address>(true) {}, new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final Event TOPPEDUP_EVENT = new Event("ToppedUp", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>(true) {}, new TypeReference<Address>(true) {}, new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}, new TypeReference<Uint40>() {}));
    ;

    public static final Event WITHDRAWN_EVENT = new Event("Withdrawn", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Address>(true) {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError AMOUNTTOOLARGE_ERROR = new CustomError("AmountTooLarge", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}));
    ;

    public static final CustomError ETHTRANSFERFAILED_ERROR = new CustomError("EthTransferFailed", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Address>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError EXPIRYNOTEXTENDED_ERROR = new CustomError("ExpiryNotExtended", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError EXPIRYNOTINFUTURE_ERROR = new CustomError("ExpiryNotInFuture", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError FEETOOHIGH_ERROR = new CustomError("FeeTooHigh", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError GRACETOOLONG_ERROR = new CustomError("GraceTooLong", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError INVALIDHOST_ERROR = new CustomError("InvalidHost", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Address>() {}));
    ;

    public static final CustomError LENGTHMISMATCH_ERROR = new CustomError("LengthMismatch", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError NOTATOKEN_ERROR = new CustomError("NotAToken", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Address>() {}));
    ;

    public static final CustomError NOTOPEN_ERROR = new CustomError("NotOpen", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>() {}, new TypeReference<Uint8>() {}));
    ;

    public static final CustomError NOTOPERATOR_ERROR = new CustomError("NotOperator", 
            Arrays.<TypeReference<?>>asList());
    ;

    public static final CustomError NOTOWNER_ERROR = new CustomError("NotOwner", 
            Arrays.<TypeReference<?>>asList());
    ;

    public static final CustomError NOTPENDINGOWNER_ERROR = new CustomError("NotPendingOwner", 
            Arrays.<TypeReference<?>>asList());
    ;

    public static final CustomError NOTSETTLED_ERROR = new CustomError("NotSettled", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>() {}, new TypeReference<Uint8>() {}));
    ;

    public static final CustomError NOTHINGTOREFUND_ERROR = new CustomError("NothingToRefund", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>() {}));
    ;

    public static final CustomError NOTHINGTOWITHDRAW_ERROR = new CustomError("NothingToWithdraw", 
            Arrays.<TypeReference<?>>asList());
    ;

    public static final CustomError RECEIVEDMISMATCH_ERROR = new CustomError("ReceivedMismatch", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError RECLAIMTOOEARLY_ERROR = new CustomError("ReclaimTooEarly", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError REENTRANCY_ERROR = new CustomError("Reentrancy", 
            Arrays.<TypeReference<?>>asList());
    ;

    public static final CustomError RENTALEXISTS_ERROR = new CustomError("RentalExists", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Address>() {}, new TypeReference<Bytes32>() {}));
    ;

    public static final CustomError TOKENTRANSFERFAILED_ERROR = new CustomError("TokenTransferFailed", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Address>() {}));
    ;

    public static final CustomError USEDEXCEEDSDEPOSIT_ERROR = new CustomError("UsedExceedsDeposit", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>() {}, new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError VALUEMISMATCH_ERROR = new CustomError("ValueMismatch", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError ZEROADDRESS_ERROR = new CustomError("ZeroAddress", 
            Arrays.<TypeReference<?>>asList());
    ;

    public static final CustomError ZEROAMOUNT_ERROR = new CustomError("ZeroAmount", 
            Arrays.<TypeReference<?>>asList());
    ;

    @Deprecated
    protected RentalEscrow(String contractAddress, Web3j web3j, Credentials credentials,
            BigInteger gasPrice, BigInteger gasLimit) {
        super(BINARY, contractAddress, web3j, credentials, gasPrice, gasLimit);
    }

    protected RentalEscrow(String contractAddress, Web3j web3j, Credentials credentials,
            ContractGasProvider contractGasProvider) {
        super(BINARY, contractAddress, web3j, credentials, contractGasProvider);
    }

    @Deprecated
    protected RentalEscrow(String contractAddress, Web3j web3j,
            TransactionManager transactionManager, BigInteger gasPrice, BigInteger gasLimit) {
        super(BINARY, contractAddress, web3j, transactionManager, gasPrice, gasLimit);
    }

    protected RentalEscrow(String contractAddress, Web3j web3j,
            TransactionManager transactionManager, ContractGasProvider contractGasProvider) {
        super(BINARY, contractAddress, web3j, transactionManager, contractGasProvider);
    }

    public RemoteFunctionCall<BigInteger> MAX_FEE_BPS() {
        final Function function = new Function(FUNC_MAX_FEE_BPS, 
                Arrays.<Type>asList(), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Uint16>() {}));
        return executeRemoteCallSingleValueReturn(function, BigInteger.class);
    }

    public static String getABI_MAX_FEE_BPS() {
        final Function function = new Function(
                FUNC_MAX_FEE_BPS, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<BigInteger> MAX_GRACE() {
        final Function function = new Function(FUNC_MAX_GRACE, 
                Arrays.<Type>asList(), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}));
        return executeRemoteCallSingleValueReturn(function, BigInteger.class);
    }

    public static String getABI_MAX_GRACE() {
        final Function function = new Function(
                FUNC_MAX_GRACE, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<TransactionReceipt> acceptOwnership() {
        final Function function = new Function(
                FUNC_ACCEPTOWNERSHIP, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return executeRemoteCallTransaction(function);
    }

    public static String getABI_acceptOwnership() {
        final Function function = new Function(
                FUNC_ACCEPTOWNERSHIP, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<BigInteger> creditOf(String account) {
        final Function function = new Function(FUNC_CREDITOF, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, account)), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}));
        return executeRemoteCallSingleValueReturn(function, BigInteger.class);
    }

    public static String getABI_creditOf(String account) {
        final Function function = new Function(
                FUNC_CREDITOF, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, account)), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<BigInteger> feeBps() {
        final Function function = new Function(FUNC_FEEBPS, 
                Arrays.<Type>asList(), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Uint16>() {}));
        return executeRemoteCallSingleValueReturn(function, BigInteger.class);
    }

    public static String getABI_feeBps() {
        final Function function = new Function(
                FUNC_FEEBPS, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<Tuple5<String, BigInteger, BigInteger, BigInteger, BigInteger>> getRental(
            String renter, byte[] rentalId) {
        final Function function = new Function(FUNC_GETRENTAL, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, renter), 
                new org.web3j.abi.datatypes.generated.Bytes32(rentalId)), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Address>() {}, new TypeReference<Uint256>() {}, new TypeReference<Uint40>() {}, new TypeReference<Uint16>() {}, new TypeReference<Uint8>() {}));
        return new RemoteFunctionCall<Tuple5<String, BigInteger, BigInteger, BigInteger, BigInteger>>(function,
                new Callable<Tuple5<String, BigInteger, BigInteger, BigInteger, BigInteger>>() {
                    @Override
                    public Tuple5<String, BigInteger, BigInteger, BigInteger, BigInteger> call()
                            throws Exception {
                        List<Type> results = executeCallMultipleValueReturn(function);
                        return new Tuple5<String, BigInteger, BigInteger, BigInteger, BigInteger>(
                                (String) results.get(0).getValue(), 
                                (BigInteger) results.get(1).getValue(), 
                                (BigInteger) results.get(2).getValue(), 
                                (BigInteger) results.get(3).getValue(), 
                                (BigInteger) results.get(4).getValue());
                    }
                });
    }

    public static String getABI_getRental(String renter, byte[] rentalId) {
        final Function function = new Function(
                FUNC_GETRENTAL, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, renter), 
                new org.web3j.abi.datatypes.generated.Bytes32(rentalId)), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<BigInteger> grace() {
        final Function function = new Function(FUNC_GRACE, 
                Arrays.<Type>asList(), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}));
        return executeRemoteCallSingleValueReturn(function, BigInteger.class);
    }

    public static String getABI_grace() {
        final Function function = new Function(
                FUNC_GRACE, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<TransactionReceipt> open(byte[] rentalId, String host,
            BigInteger expiresAt, BigInteger amount, BigInteger weiValue) {
        final Function function = new Function(
                FUNC_OPEN, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.generated.Bytes32(rentalId), 
                new org.web3j.abi.datatypes.Address(160, host), 
                new org.web3j.abi.datatypes.generated.Uint40(expiresAt), 
                new org.web3j.abi.datatypes.generated.Uint256(amount)), 
                Collections.<TypeReference<?>>emptyList());
        return executeRemoteCallTransaction(function, weiValue);
    }

    public static String getABI_open(byte[] rentalId, String host, BigInteger expiresAt,
            BigInteger amount, BigInteger weiValue) {
        final Function function = new Function(
                FUNC_OPEN, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.generated.Bytes32(rentalId), 
                new org.web3j.abi.datatypes.Address(160, host), 
                new org.web3j.abi.datatypes.generated.Uint40(expiresAt), 
                new org.web3j.abi.datatypes.generated.Uint256(amount)), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<String> operator() {
        final Function function = new Function(FUNC_OPERATOR, 
                Arrays.<Type>asList(), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Address>() {}));
        return executeRemoteCallSingleValueReturn(function, String.class);
    }

    public static String getABI_operator() {
        final Function function = new Function(
                FUNC_OPERATOR, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<String> owner() {
        final Function function = new Function(FUNC_OWNER, 
                Arrays.<Type>asList(), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Address>() {}));
        return executeRemoteCallSingleValueReturn(function, String.class);
    }

    public static String getABI_owner() {
        final Function function = new Function(
                FUNC_OWNER, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<String> pendingOwner() {
        final Function function = new Function(FUNC_PENDINGOWNER, 
                Arrays.<Type>asList(), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Address>() {}));
        return executeRemoteCallSingleValueReturn(function, String.class);
    }

    public static String getABI_pendingOwner() {
        final Function function = new Function(
                FUNC_PENDINGOWNER, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<TransactionReceipt> reclaim(byte[] rentalId) {
        final Function function = new Function(
                FUNC_RECLAIM, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.generated.Bytes32(rentalId)), 
                Collections.<TypeReference<?>>emptyList());
        return executeRemoteCallTransaction(function);
    }

    public static String getABI_reclaim(byte[] rentalId) {
        final Function function = new Function(
                FUNC_RECLAIM, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.generated.Bytes32(rentalId)), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<BigInteger> reclaimableAt(String renter, byte[] rentalId) {
        final Function function = new Function(FUNC_RECLAIMABLEAT, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, renter), 
                new org.web3j.abi.datatypes.generated.Bytes32(rentalId)), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}));
        return executeRemoteCallSingleValueReturn(function, BigInteger.class);
    }

    public static String getABI_reclaimableAt(String renter, byte[] rentalId) {
        final Function function = new Function(
                FUNC_RECLAIMABLEAT, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, renter), 
                new org.web3j.abi.datatypes.generated.Bytes32(rentalId)), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<TransactionReceipt> refund(String renter, byte[] rentalId) {
        final Function function = new Function(
                FUNC_REFUND, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, renter), 
                new org.web3j.abi.datatypes.generated.Bytes32(rentalId)), 
                Collections.<TypeReference<?>>emptyList());
        return executeRemoteCallTransaction(function);
    }

    public static String getABI_refund(String renter, byte[] rentalId) {
        final Function function = new Function(
                FUNC_REFUND, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, renter), 
                new org.web3j.abi.datatypes.generated.Bytes32(rentalId)), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<TransactionReceipt> setOperator(String newOperator) {
        final Function function = new Function(
                FUNC_SETOPERATOR, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, newOperator)), 
                Collections.<TypeReference<?>>emptyList());
        return executeRemoteCallTransaction(function);
    }

    public static String getABI_setOperator(String newOperator) {
        final Function function = new Function(
                FUNC_SETOPERATOR, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, newOperator)), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<TransactionReceipt> settle(String renter, byte[] rentalId,
            BigInteger used) {
        final Function function = new Function(
                FUNC_SETTLE, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, renter), 
                new org.web3j.abi.datatypes.generated.Bytes32(rentalId), 
                new org.web3j.abi.datatypes.generated.Uint256(used)), 
                Collections.<TypeReference<?>>emptyList());
        return executeRemoteCallTransaction(function);
    }

    public static String getABI_settle(String renter, byte[] rentalId, BigInteger used) {
        final Function function = new Function(
                FUNC_SETTLE, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, renter), 
                new org.web3j.abi.datatypes.generated.Bytes32(rentalId), 
                new org.web3j.abi.datatypes.generated.Uint256(used)), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<TransactionReceipt> settleBatch(List<String> renters,
            List<byte[]> rentalIds, List<BigInteger> used) {
        final Function function = new Function(
                FUNC_SETTLEBATCH, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.DynamicArray<org.web3j.abi.datatypes.Address>(
                        org.web3j.abi.datatypes.Address.class,
                        org.web3j.abi.Utils.typeMap(renters, org.web3j.abi.datatypes.Address.class)), 
                new org.web3j.abi.datatypes.DynamicArray<org.web3j.abi.datatypes.generated.Bytes32>(
                        org.web3j.abi.datatypes.generated.Bytes32.class,
                        org.web3j.abi.Utils.typeMap(rentalIds, org.web3j.abi.datatypes.generated.Bytes32.class)), 
                new org.web3j.abi.datatypes.DynamicArray<org.web3j.abi.datatypes.generated.Uint256>(
                        org.web3j.abi.datatypes.generated.Uint256.class,
                        org.web3j.abi.Utils.typeMap(used, org.web3j.abi.datatypes.generated.Uint256.class))), 
                Collections.<TypeReference<?>>emptyList());
        return executeRemoteCallTransaction(function);
    }

    public static String getABI_settleBatch(List<String> renters, List<byte[]> rentalIds,
            List<BigInteger> used) {
        final Function function = new Function(
                FUNC_SETTLEBATCH, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.DynamicArray<org.web3j.abi.datatypes.Address>(
                        org.web3j.abi.datatypes.Address.class,
                        org.web3j.abi.Utils.typeMap(renters, org.web3j.abi.datatypes.Address.class)), 
                new org.web3j.abi.datatypes.DynamicArray<org.web3j.abi.datatypes.generated.Bytes32>(
                        org.web3j.abi.datatypes.generated.Bytes32.class,
                        org.web3j.abi.Utils.typeMap(rentalIds, org.web3j.abi.datatypes.generated.Bytes32.class)), 
                new org.web3j.abi.datatypes.DynamicArray<org.web3j.abi.datatypes.generated.Uint256>(
                        org.web3j.abi.datatypes.generated.Uint256.class,
                        org.web3j.abi.Utils.typeMap(used, org.web3j.abi.datatypes.generated.Uint256.class))), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<String> token() {
        final Function function = new Function(FUNC_TOKEN, 
                Arrays.<Type>asList(), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Address>() {}));
        return executeRemoteCallSingleValueReturn(function, String.class);
    }

    public static String getABI_token() {
        final Function function = new Function(
                FUNC_TOKEN, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<TransactionReceipt> topUp(byte[] rentalId, BigInteger amount,
            BigInteger newExpiresAt, BigInteger weiValue) {
        final Function function = new Function(
                FUNC_TOPUP, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.generated.Bytes32(rentalId), 
                new org.web3j.abi.datatypes.generated.Uint256(amount), 
                new org.web3j.abi.datatypes.generated.Uint40(newExpiresAt)), 
                Collections.<TypeReference<?>>emptyList());
        return executeRemoteCallTransaction(function, weiValue);
    }

    public static String getABI_topUp(byte[] rentalId, BigInteger amount, BigInteger newExpiresAt,
            BigInteger weiValue) {
        final Function function = new Function(
                FUNC_TOPUP, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.generated.Bytes32(rentalId), 
                new org.web3j.abi.datatypes.generated.Uint256(amount), 
                new org.web3j.abi.datatypes.generated.Uint40(newExpiresAt)), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<TransactionReceipt> transferOwnership(String newOwner) {
        final Function function = new Function(
                FUNC_TRANSFEROWNERSHIP, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, newOwner)), 
                Collections.<TypeReference<?>>emptyList());
        return executeRemoteCallTransaction(function);
    }

    public static String getABI_transferOwnership(String newOwner) {
        final Function function = new Function(
                FUNC_TRANSFEROWNERSHIP, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, newOwner)), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<String> treasury() {
        final Function function = new Function(FUNC_TREASURY, 
                Arrays.<Type>asList(), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Address>() {}));
        return executeRemoteCallSingleValueReturn(function, String.class);
    }

    public static String getABI_treasury() {
        final Function function = new Function(
                FUNC_TREASURY, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<TransactionReceipt> withdraw() {
        final Function function = new Function(
                FUNC_WITHDRAW, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return executeRemoteCallTransaction(function);
    }

    public static String getABI_withdraw() {
        final Function function = new Function(
                FUNC_WITHDRAW, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public static List<OpenedEventResponse> getOpenedEvents(TransactionReceipt transactionReceipt) {
        List<Contract.EventValuesWithLog> valueList = staticExtractEventParametersWithLog(OPENED_EVENT, transactionReceipt);
        ArrayList<OpenedEventResponse> responses = new ArrayList<OpenedEventResponse>(valueList.size());
        for (Contract.EventValuesWithLog eventValues : valueList) {
            OpenedEventResponse typedResponse = new OpenedEventResponse();
            typedResponse.log = eventValues.getLog();
            typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
            typedResponse.renter = (String) eventValues.getIndexedValues().get(1).getValue();
            typedResponse.host = (String) eventValues.getIndexedValues().get(2).getValue();
            typedResponse.token = (String) eventValues.getNonIndexedValues().get(0).getValue();
            typedResponse.amount = (BigInteger) eventValues.getNonIndexedValues().get(1).getValue();
            typedResponse.expiresAt = (BigInteger) eventValues.getNonIndexedValues().get(2).getValue();
            typedResponse.feeBps = (BigInteger) eventValues.getNonIndexedValues().get(3).getValue();
            responses.add(typedResponse);
        }
        return responses;
    }

    public static OpenedEventResponse getOpenedEventFromLog(Log log) {
        Contract.EventValuesWithLog eventValues = staticExtractEventParametersWithLog(OPENED_EVENT, log);
        OpenedEventResponse typedResponse = new OpenedEventResponse();
        typedResponse.log = log;
        typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
        typedResponse.renter = (String) eventValues.getIndexedValues().get(1).getValue();
        typedResponse.host = (String) eventValues.getIndexedValues().get(2).getValue();
        typedResponse.token = (String) eventValues.getNonIndexedValues().get(0).getValue();
        typedResponse.amount = (BigInteger) eventValues.getNonIndexedValues().get(1).getValue();
        typedResponse.expiresAt = (BigInteger) eventValues.getNonIndexedValues().get(2).getValue();
        typedResponse.feeBps = (BigInteger) eventValues.getNonIndexedValues().get(3).getValue();
        return typedResponse;
    }

    public Flowable<OpenedEventResponse> openedEventFlowable(EthFilter filter) {
        return web3j.ethLogFlowable(filter).map(log -> getOpenedEventFromLog(log));
    }

    public Flowable<OpenedEventResponse> openedEventFlowable(DefaultBlockParameter startBlock,
            DefaultBlockParameter endBlock) {
        EthFilter filter = new EthFilter(startBlock, endBlock, getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(OPENED_EVENT));
        return openedEventFlowable(filter);
    }

    public static List<OperatorChangedEventResponse> getOperatorChangedEvents(
            TransactionReceipt transactionReceipt) {
        List<Contract.EventValuesWithLog> valueList = staticExtractEventParametersWithLog(OPERATORCHANGED_EVENT, transactionReceipt);
        ArrayList<OperatorChangedEventResponse> responses = new ArrayList<OperatorChangedEventResponse>(valueList.size());
        for (Contract.EventValuesWithLog eventValues : valueList) {
            OperatorChangedEventResponse typedResponse = new OperatorChangedEventResponse();
            typedResponse.log = eventValues.getLog();
            typedResponse.previousOperator = (String) eventValues.getIndexedValues().get(0).getValue();
            typedResponse.newOperator = (String) eventValues.getIndexedValues().get(1).getValue();
            responses.add(typedResponse);
        }
        return responses;
    }

    public static OperatorChangedEventResponse getOperatorChangedEventFromLog(Log log) {
        Contract.EventValuesWithLog eventValues = staticExtractEventParametersWithLog(OPERATORCHANGED_EVENT, log);
        OperatorChangedEventResponse typedResponse = new OperatorChangedEventResponse();
        typedResponse.log = log;
        typedResponse.previousOperator = (String) eventValues.getIndexedValues().get(0).getValue();
        typedResponse.newOperator = (String) eventValues.getIndexedValues().get(1).getValue();
        return typedResponse;
    }

    public Flowable<OperatorChangedEventResponse> operatorChangedEventFlowable(EthFilter filter) {
        return web3j.ethLogFlowable(filter).map(log -> getOperatorChangedEventFromLog(log));
    }

    public Flowable<OperatorChangedEventResponse> operatorChangedEventFlowable(
            DefaultBlockParameter startBlock, DefaultBlockParameter endBlock) {
        EthFilter filter = new EthFilter(startBlock, endBlock, getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(OPERATORCHANGED_EVENT));
        return operatorChangedEventFlowable(filter);
    }

    public static List<OwnershipTransferStartedEventResponse> getOwnershipTransferStartedEvents(
            TransactionReceipt transactionReceipt) {
        List<Contract.EventValuesWithLog> valueList = staticExtractEventParametersWithLog(OWNERSHIPTRANSFERSTARTED_EVENT, transactionReceipt);
        ArrayList<OwnershipTransferStartedEventResponse> responses = new ArrayList<OwnershipTransferStartedEventResponse>(valueList.size());
        for (Contract.EventValuesWithLog eventValues : valueList) {
            OwnershipTransferStartedEventResponse typedResponse = new OwnershipTransferStartedEventResponse();
            typedResponse.log = eventValues.getLog();
            typedResponse.previousOwner = (String) eventValues.getIndexedValues().get(0).getValue();
            typedResponse.newOwner = (String) eventValues.getIndexedValues().get(1).getValue();
            responses.add(typedResponse);
        }
        return responses;
    }

    public static OwnershipTransferStartedEventResponse getOwnershipTransferStartedEventFromLog(
            Log log) {
        Contract.EventValuesWithLog eventValues = staticExtractEventParametersWithLog(OWNERSHIPTRANSFERSTARTED_EVENT, log);
        OwnershipTransferStartedEventResponse typedResponse = new OwnershipTransferStartedEventResponse();
        typedResponse.log = log;
        typedResponse.previousOwner = (String) eventValues.getIndexedValues().get(0).getValue();
        typedResponse.newOwner = (String) eventValues.getIndexedValues().get(1).getValue();
        return typedResponse;
    }

    public Flowable<OwnershipTransferStartedEventResponse> ownershipTransferStartedEventFlowable(
            EthFilter filter) {
        return web3j.ethLogFlowable(filter).map(log -> getOwnershipTransferStartedEventFromLog(log));
    }

    public Flowable<OwnershipTransferStartedEventResponse> ownershipTransferStartedEventFlowable(
            DefaultBlockParameter startBlock, DefaultBlockParameter endBlock) {
        EthFilter filter = new EthFilter(startBlock, endBlock, getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(OWNERSHIPTRANSFERSTARTED_EVENT));
        return ownershipTransferStartedEventFlowable(filter);
    }

    public static List<OwnershipTransferredEventResponse> getOwnershipTransferredEvents(
            TransactionReceipt transactionReceipt) {
        List<Contract.EventValuesWithLog> valueList = staticExtractEventParametersWithLog(OWNERSHIPTRANSFERRED_EVENT, transactionReceipt);
        ArrayList<OwnershipTransferredEventResponse> responses = new ArrayList<OwnershipTransferredEventResponse>(valueList.size());
        for (Contract.EventValuesWithLog eventValues : valueList) {
            OwnershipTransferredEventResponse typedResponse = new OwnershipTransferredEventResponse();
            typedResponse.log = eventValues.getLog();
            typedResponse.previousOwner = (String) eventValues.getIndexedValues().get(0).getValue();
            typedResponse.newOwner = (String) eventValues.getIndexedValues().get(1).getValue();
            responses.add(typedResponse);
        }
        return responses;
    }

    public static OwnershipTransferredEventResponse getOwnershipTransferredEventFromLog(Log log) {
        Contract.EventValuesWithLog eventValues = staticExtractEventParametersWithLog(OWNERSHIPTRANSFERRED_EVENT, log);
        OwnershipTransferredEventResponse typedResponse = new OwnershipTransferredEventResponse();
        typedResponse.log = log;
        typedResponse.previousOwner = (String) eventValues.getIndexedValues().get(0).getValue();
        typedResponse.newOwner = (String) eventValues.getIndexedValues().get(1).getValue();
        return typedResponse;
    }

    public Flowable<OwnershipTransferredEventResponse> ownershipTransferredEventFlowable(
            EthFilter filter) {
        return web3j.ethLogFlowable(filter).map(log -> getOwnershipTransferredEventFromLog(log));
    }

    public Flowable<OwnershipTransferredEventResponse> ownershipTransferredEventFlowable(
            DefaultBlockParameter startBlock, DefaultBlockParameter endBlock) {
        EthFilter filter = new EthFilter(startBlock, endBlock, getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(OWNERSHIPTRANSFERRED_EVENT));
        return ownershipTransferredEventFlowable(filter);
    }

    public static List<ReclaimedEventResponse> getReclaimedEvents(
            TransactionReceipt transactionReceipt) {
        List<Contract.EventValuesWithLog> valueList = staticExtractEventParametersWithLog(RECLAIMED_EVENT, transactionReceipt);
        ArrayList<ReclaimedEventResponse> responses = new ArrayList<ReclaimedEventResponse>(valueList.size());
        for (Contract.EventValuesWithLog eventValues : valueList) {
            ReclaimedEventResponse typedResponse = new ReclaimedEventResponse();
            typedResponse.log = eventValues.getLog();
            typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
            typedResponse.renter = (String) eventValues.getIndexedValues().get(1).getValue();
            typedResponse.amount = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
            responses.add(typedResponse);
        }
        return responses;
    }

    public static ReclaimedEventResponse getReclaimedEventFromLog(Log log) {
        Contract.EventValuesWithLog eventValues = staticExtractEventParametersWithLog(RECLAIMED_EVENT, log);
        ReclaimedEventResponse typedResponse = new ReclaimedEventResponse();
        typedResponse.log = log;
        typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
        typedResponse.renter = (String) eventValues.getIndexedValues().get(1).getValue();
        typedResponse.amount = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
        return typedResponse;
    }

    public Flowable<ReclaimedEventResponse> reclaimedEventFlowable(EthFilter filter) {
        return web3j.ethLogFlowable(filter).map(log -> getReclaimedEventFromLog(log));
    }

    public Flowable<ReclaimedEventResponse> reclaimedEventFlowable(DefaultBlockParameter startBlock,
            DefaultBlockParameter endBlock) {
        EthFilter filter = new EthFilter(startBlock, endBlock, getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(RECLAIMED_EVENT));
        return reclaimedEventFlowable(filter);
    }

    public static List<RefundedEventResponse> getRefundedEvents(
            TransactionReceipt transactionReceipt) {
        List<Contract.EventValuesWithLog> valueList = staticExtractEventParametersWithLog(REFUNDED_EVENT, transactionReceipt);
        ArrayList<RefundedEventResponse> responses = new ArrayList<RefundedEventResponse>(valueList.size());
        for (Contract.EventValuesWithLog eventValues : valueList) {
            RefundedEventResponse typedResponse = new RefundedEventResponse();
            typedResponse.log = eventValues.getLog();
            typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
            typedResponse.renter = (String) eventValues.getIndexedValues().get(1).getValue();
            typedResponse.amount = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
            responses.add(typedResponse);
        }
        return responses;
    }

    public static RefundedEventResponse getRefundedEventFromLog(Log log) {
        Contract.EventValuesWithLog eventValues = staticExtractEventParametersWithLog(REFUNDED_EVENT, log);
        RefundedEventResponse typedResponse = new RefundedEventResponse();
        typedResponse.log = log;
        typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
        typedResponse.renter = (String) eventValues.getIndexedValues().get(1).getValue();
        typedResponse.amount = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
        return typedResponse;
    }

    public Flowable<RefundedEventResponse> refundedEventFlowable(EthFilter filter) {
        return web3j.ethLogFlowable(filter).map(log -> getRefundedEventFromLog(log));
    }

    public Flowable<RefundedEventResponse> refundedEventFlowable(DefaultBlockParameter startBlock,
            DefaultBlockParameter endBlock) {
        EthFilter filter = new EthFilter(startBlock, endBlock, getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(REFUNDED_EVENT));
        return refundedEventFlowable(filter);
    }

    public static List<SettleSkippedEventResponse> getSettleSkippedEvents(
            TransactionReceipt transactionReceipt) {
        List<Contract.EventValuesWithLog> valueList = staticExtractEventParametersWithLog(SETTLESKIPPED_EVENT, transactionReceipt);
        ArrayList<SettleSkippedEventResponse> responses = new ArrayList<SettleSkippedEventResponse>(valueList.size());
        for (Contract.EventValuesWithLog eventValues : valueList) {
            SettleSkippedEventResponse typedResponse = new SettleSkippedEventResponse();
            typedResponse.log = eventValues.getLog();
            typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
            typedResponse.renter = (String) eventValues.getIndexedValues().get(1).getValue();
            typedResponse.status = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
            responses.add(typedResponse);
        }
        return responses;
    }

    public static SettleSkippedEventResponse getSettleSkippedEventFromLog(Log log) {
        Contract.EventValuesWithLog eventValues = staticExtractEventParametersWithLog(SETTLESKIPPED_EVENT, log);
        SettleSkippedEventResponse typedResponse = new SettleSkippedEventResponse();
        typedResponse.log = log;
        typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
        typedResponse.renter = (String) eventValues.getIndexedValues().get(1).getValue();
        typedResponse.status = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
        return typedResponse;
    }

    public Flowable<SettleSkippedEventResponse> settleSkippedEventFlowable(EthFilter filter) {
        return web3j.ethLogFlowable(filter).map(log -> getSettleSkippedEventFromLog(log));
    }

    public Flowable<SettleSkippedEventResponse> settleSkippedEventFlowable(
            DefaultBlockParameter startBlock, DefaultBlockParameter endBlock) {
        EthFilter filter = new EthFilter(startBlock, endBlock, getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(SETTLESKIPPED_EVENT));
        return settleSkippedEventFlowable(filter);
    }

    public static List<SettledEventResponse> getSettledEvents(
            TransactionReceipt transactionReceipt) {
        List<Contract.EventValuesWithLog> valueList = staticExtractEventParametersWithLog(SETTLED_EVENT, transactionReceipt);
        ArrayList<SettledEventResponse> responses = new ArrayList<SettledEventResponse>(valueList.size());
        for (Contract.EventValuesWithLog eventValues : valueList) {
            SettledEventResponse typedResponse = new SettledEventResponse();
            typedResponse.log = eventValues.getLog();
            typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
            typedResponse.renter = (String) eventValues.getIndexedValues().get(1).getValue();
            typedResponse.host = (String) eventValues.getIndexedValues().get(2).getValue();
            typedResponse.hostAmount = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
            typedResponse.fee = (BigInteger) eventValues.getNonIndexedValues().get(1).getValue();
            typedResponse.refund = (BigInteger) eventValues.getNonIndexedValues().get(2).getValue();
            responses.add(typedResponse);
        }
        return responses;
    }

    public static SettledEventResponse getSettledEventFromLog(Log log) {
        Contract.EventValuesWithLog eventValues = staticExtractEventParametersWithLog(SETTLED_EVENT, log);
        SettledEventResponse typedResponse = new SettledEventResponse();
        typedResponse.log = log;
        typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
        typedResponse.renter = (String) eventValues.getIndexedValues().get(1).getValue();
        typedResponse.host = (String) eventValues.getIndexedValues().get(2).getValue();
        typedResponse.hostAmount = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
        typedResponse.fee = (BigInteger) eventValues.getNonIndexedValues().get(1).getValue();
        typedResponse.refund = (BigInteger) eventValues.getNonIndexedValues().get(2).getValue();
        return typedResponse;
    }

    public Flowable<SettledEventResponse> settledEventFlowable(EthFilter filter) {
        return web3j.ethLogFlowable(filter).map(log -> getSettledEventFromLog(log));
    }

    public Flowable<SettledEventResponse> settledEventFlowable(DefaultBlockParameter startBlock,
            DefaultBlockParameter endBlock) {
        EthFilter filter = new EthFilter(startBlock, endBlock, getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(SETTLED_EVENT));
        return settledEventFlowable(filter);
    }

    public static List<ToppedUpEventResponse> getToppedUpEvents(
            TransactionReceipt transactionReceipt) {
        List<Contract.EventValuesWithLog> valueList = staticExtractEventParametersWithLog(TOPPEDUP_EVENT, transactionReceipt);
        ArrayList<ToppedUpEventResponse> responses = new ArrayList<ToppedUpEventResponse>(valueList.size());
        for (Contract.EventValuesWithLog eventValues : valueList) {
            ToppedUpEventResponse typedResponse = new ToppedUpEventResponse();
            typedResponse.log = eventValues.getLog();
            typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
            typedResponse.renter = (String) eventValues.getIndexedValues().get(1).getValue();
            typedResponse.amount = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
            typedResponse.deposit = (BigInteger) eventValues.getNonIndexedValues().get(1).getValue();
            typedResponse.expiresAt = (BigInteger) eventValues.getNonIndexedValues().get(2).getValue();
            responses.add(typedResponse);
        }
        return responses;
    }

    public static ToppedUpEventResponse getToppedUpEventFromLog(Log log) {
        Contract.EventValuesWithLog eventValues = staticExtractEventParametersWithLog(TOPPEDUP_EVENT, log);
        ToppedUpEventResponse typedResponse = new ToppedUpEventResponse();
        typedResponse.log = log;
        typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
        typedResponse.renter = (String) eventValues.getIndexedValues().get(1).getValue();
        typedResponse.amount = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
        typedResponse.deposit = (BigInteger) eventValues.getNonIndexedValues().get(1).getValue();
        typedResponse.expiresAt = (BigInteger) eventValues.getNonIndexedValues().get(2).getValue();
        return typedResponse;
    }

    public Flowable<ToppedUpEventResponse> toppedUpEventFlowable(EthFilter filter) {
        return web3j.ethLogFlowable(filter).map(log -> getToppedUpEventFromLog(log));
    }

    public Flowable<ToppedUpEventResponse> toppedUpEventFlowable(DefaultBlockParameter startBlock,
            DefaultBlockParameter endBlock) {
        EthFilter filter = new EthFilter(startBlock, endBlock, getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(TOPPEDUP_EVENT));
        return toppedUpEventFlowable(filter);
    }

    public static List<WithdrawnEventResponse> getWithdrawnEvents(
            TransactionReceipt transactionReceipt) {
        List<Contract.EventValuesWithLog> valueList = staticExtractEventParametersWithLog(WITHDRAWN_EVENT, transactionReceipt);
        ArrayList<WithdrawnEventResponse> responses = new ArrayList<WithdrawnEventResponse>(valueList.size());
        for (Contract.EventValuesWithLog eventValues : valueList) {
            WithdrawnEventResponse typedResponse = new WithdrawnEventResponse();
            typedResponse.log = eventValues.getLog();
            typedResponse.account = (String) eventValues.getIndexedValues().get(0).getValue();
            typedResponse.amount = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
            responses.add(typedResponse);
        }
        return responses;
    }

    public static WithdrawnEventResponse getWithdrawnEventFromLog(Log log) {
        Contract.EventValuesWithLog eventValues = staticExtractEventParametersWithLog(WITHDRAWN_EVENT, log);
        WithdrawnEventResponse typedResponse = new WithdrawnEventResponse();
        typedResponse.log = log;
        typedResponse.account = (String) eventValues.getIndexedValues().get(0).getValue();
        typedResponse.amount = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
        return typedResponse;
    }

    public Flowable<WithdrawnEventResponse> withdrawnEventFlowable(EthFilter filter) {
        return web3j.ethLogFlowable(filter).map(log -> getWithdrawnEventFromLog(log));
    }

    public Flowable<WithdrawnEventResponse> withdrawnEventFlowable(DefaultBlockParameter startBlock,
            DefaultBlockParameter endBlock) {
        EthFilter filter = new EthFilter(startBlock, endBlock, getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(WITHDRAWN_EVENT));
        return withdrawnEventFlowable(filter);
    }

    @Deprecated
    public static RentalEscrow load(String contractAddress, Web3j web3j, Credentials credentials,
            BigInteger gasPrice, BigInteger gasLimit) {
        return new RentalEscrow(contractAddress, web3j, credentials, gasPrice, gasLimit);
    }

    @Deprecated
    public static RentalEscrow load(String contractAddress, Web3j web3j,
            TransactionManager transactionManager, BigInteger gasPrice, BigInteger gasLimit) {
        return new RentalEscrow(contractAddress, web3j, transactionManager, gasPrice, gasLimit);
    }

    public static RentalEscrow load(String contractAddress, Web3j web3j, Credentials credentials,
            ContractGasProvider contractGasProvider) {
        return new RentalEscrow(contractAddress, web3j, credentials, contractGasProvider);
    }

    public static RentalEscrow load(String contractAddress, Web3j web3j,
            TransactionManager transactionManager, ContractGasProvider contractGasProvider) {
        return new RentalEscrow(contractAddress, web3j, transactionManager, contractGasProvider);
    }

    public static RemoteCall<RentalEscrow> deploy(Web3j web3j, Credentials credentials,
            ContractGasProvider contractGasProvider, String token_, String owner_, String operator_,
            String treasury_, BigInteger feeBps_, BigInteger grace_) {
        String encodedConstructor = FunctionEncoder.encodeConstructor(Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, token_), 
                new org.web3j.abi.datatypes.Address(160, owner_), 
                new org.web3j.abi.datatypes.Address(160, operator_), 
                new org.web3j.abi.datatypes.Address(160, treasury_), 
                new org.web3j.abi.datatypes.generated.Uint16(feeBps_), 
                new org.web3j.abi.datatypes.generated.Uint256(grace_)));
        return deployRemoteCall(RentalEscrow.class, web3j, credentials, contractGasProvider, getDeploymentBinary(), encodedConstructor);
    }

    public static RemoteCall<RentalEscrow> deploy(Web3j web3j,
            TransactionManager transactionManager, ContractGasProvider contractGasProvider,
            String token_, String owner_, String operator_, String treasury_, BigInteger feeBps_,
            BigInteger grace_) {
        String encodedConstructor = FunctionEncoder.encodeConstructor(Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, token_), 
                new org.web3j.abi.datatypes.Address(160, owner_), 
                new org.web3j.abi.datatypes.Address(160, operator_), 
                new org.web3j.abi.datatypes.Address(160, treasury_), 
                new org.web3j.abi.datatypes.generated.Uint16(feeBps_), 
                new org.web3j.abi.datatypes.generated.Uint256(grace_)));
        return deployRemoteCall(RentalEscrow.class, web3j, transactionManager, contractGasProvider, getDeploymentBinary(), encodedConstructor);
    }

    @Deprecated
    public static RemoteCall<RentalEscrow> deploy(Web3j web3j, Credentials credentials,
            BigInteger gasPrice, BigInteger gasLimit, String token_, String owner_,
            String operator_, String treasury_, BigInteger feeBps_, BigInteger grace_) {
        String encodedConstructor = FunctionEncoder.encodeConstructor(Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, token_), 
                new org.web3j.abi.datatypes.Address(160, owner_), 
                new org.web3j.abi.datatypes.Address(160, operator_), 
                new org.web3j.abi.datatypes.Address(160, treasury_), 
                new org.web3j.abi.datatypes.generated.Uint16(feeBps_), 
                new org.web3j.abi.datatypes.generated.Uint256(grace_)));
        return deployRemoteCall(RentalEscrow.class, web3j, credentials, gasPrice, gasLimit, getDeploymentBinary(), encodedConstructor);
    }

    @Deprecated
    public static RemoteCall<RentalEscrow> deploy(Web3j web3j,
            TransactionManager transactionManager, BigInteger gasPrice, BigInteger gasLimit,
            String token_, String owner_, String operator_, String treasury_, BigInteger feeBps_,
            BigInteger grace_) {
        String encodedConstructor = FunctionEncoder.encodeConstructor(Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, token_), 
                new org.web3j.abi.datatypes.Address(160, owner_), 
                new org.web3j.abi.datatypes.Address(160, operator_), 
                new org.web3j.abi.datatypes.Address(160, treasury_), 
                new org.web3j.abi.datatypes.generated.Uint16(feeBps_), 
                new org.web3j.abi.datatypes.generated.Uint256(grace_)));
        return deployRemoteCall(RentalEscrow.class, web3j, transactionManager, gasPrice, gasLimit, getDeploymentBinary(), encodedConstructor);
    }

    public static void linkLibraries(List<Contract.LinkReference> references) {
        librariesLinkedBinary = linkBinaryWithReferences(BINARY, references);
    }

    private static String getDeploymentBinary() {
        if (librariesLinkedBinary != null) {
            return librariesLinkedBinary;
        } else {
            return BINARY;
        }
    }

    public static class OpenedEventResponse extends BaseEventResponse {
        public byte[] rentalId;

        public String renter;

        public String host;

        public String token;

        public BigInteger amount;

        public BigInteger expiresAt;

        public BigInteger feeBps;
    }

    public static class OperatorChangedEventResponse extends BaseEventResponse {
        public String previousOperator;

        public String newOperator;
    }

    public static class OwnershipTransferStartedEventResponse extends BaseEventResponse {
        public String previousOwner;

        public String newOwner;
    }

    public static class OwnershipTransferredEventResponse extends BaseEventResponse {
        public String previousOwner;

        public String newOwner;
    }

    public static class ReclaimedEventResponse extends BaseEventResponse {
        public byte[] rentalId;

        public String renter;

        public BigInteger amount;
    }

    public static class RefundedEventResponse extends BaseEventResponse {
        public byte[] rentalId;

        public String renter;

        public BigInteger amount;
    }

    public static class SettleSkippedEventResponse extends BaseEventResponse {
        public byte[] rentalId;

        public String renter;

        public BigInteger status;
    }

    public static class SettledEventResponse extends BaseEventResponse {
        public byte[] rentalId;

        public String renter;

        public String host;

        public BigInteger hostAmount;

        public BigInteger fee;

        public BigInteger refund;
    }

    public static class ToppedUpEventResponse extends BaseEventResponse {
        public byte[] rentalId;

        public String renter;

        public BigInteger amount;

        public BigInteger deposit;

        public BigInteger expiresAt;
    }

    public static class WithdrawnEventResponse extends BaseEventResponse {
        public String account;

        public BigInteger amount;
    }
}
